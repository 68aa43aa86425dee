package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.trusthub.binding.zigbee.spi.CoordinatorRadio;

/**
 * The production bundle holds production code: the simulated coordinator, its devices, the attacker's tools and the
 * simulated-device command live in bundle org.trusthub.binding.zigbee.simulator, which plugs in through the SPI.
 */
class BindingHoldsNoSimulatorTest {

    @Test
    void theBuiltBindingHasNoSimulatedClass() throws IOException {
        Path classes = Path.of("target/classes/org/trusthub/binding/zigbee");
        assertTrue(Files.isDirectory(classes), "run after compile: " + classes.toAbsolutePath());
        try (Stream<Path> files = Files.walk(classes)) {
            List<String> simulated = files.map(p -> classes.relativize(p).toString())
                    .filter(p -> p.endsWith(".class") && p.toLowerCase(Locale.ROOT).contains("simulat")).toList();
            assertEquals(List.of(), simulated, "simulator classes belong in binding-zigbee-simulator");
        }
    }

    @Test
    void noSpiTypeOffersAttackTools() throws Exception {
        Path spi = Path.of("target/classes/org/trusthub/binding/zigbee/spi");
        List<String> types;
        try (Stream<Path> files = Files.list(spi)) {
            types = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .map(n -> "org.trusthub.binding.zigbee.spi." + n.substring(0, n.length() - ".class".length()))
                    .toList();
        }
        assertTrue(types.contains(CoordinatorRadio.class.getName()), types.toString());
        for (String name : types) {
            List<String> tools = Arrays.stream(Class.forName(name).getMethods()).map(Method::getName)
                    .filter(n -> n.equals("injectFrame") || n.equals("replayLastFrame") || n.equals("lastFrame"))
                    .toList();
            assertEquals(List.of(), tools, name);
        }
    }
}
