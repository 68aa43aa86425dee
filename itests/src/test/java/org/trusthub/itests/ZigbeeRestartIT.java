package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.JUnitCore;
import org.junit.runner.Result;

/**
 * Incoming ZigBee frame counters survive restarts (the keystore's replay marks): a frame an eavesdropper captured
 * before a restart of the ZigBee bundles, or of the whole hub, is refused after it, while the device's fresh frames are
 * accepted. Two boots sharing the trusthub state, as in {@link RestartIT}; see {@link ZigbeeRestartBoots}.
 */
public class ZigbeeRestartIT {

    @Test
    public void aFrameCapturedBeforeARestartIsRefusedAfterItAndFreshFramesWork() throws Exception {
        Path state = Path.of("target", "zigbee-restart-state").toAbsolutePath();
        deleteRecursively(state);
        Files.createDirectories(state);
        System.setProperty(ZigbeeRestartBoots.STATE, state.toString());
        try {
            runBoot(ZigbeeRestartBoots.FirstBoot.class);
            assertTrue("the first boot recorded the captured frame",
                    Files.isRegularFile(state.resolve(ZigbeeRestartBoots.RECORD)));
            runBoot(ZigbeeRestartBoots.SecondBoot.class);
        } finally {
            System.clearProperty(ZigbeeRestartBoots.STATE);
        }
    }

    private static void runBoot(Class<?> boot) {
        Result result = JUnitCore.runClasses(boot);
        if (!result.wasSuccessful()) {
            throw new AssertionError(boot.getSimpleName() + " failed:\n" + result.getFailures().stream()
                    .map(f -> f.getTestHeader() + ": " + f.getTrace()).collect(Collectors.joining("\n")));
        }
        assertEquals(boot.getSimpleName() + " ran its test", 1, result.getRunCount());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
