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
 * The Bluetooth LE bridge in the real distribution, over two boots that share the hub's state (as {@link RestartIT}):
 * the first installs trusthub-bluetooth, pairs a SIMULATED peripheral with LE Secure Connections and sees legacy
 * pairing refused; the second finds the bond in the keystore, recognises the peripheral by its new private address,
 * reads it over the encrypted link, then removes the bond and sees the thing locked out.
 */
public class BluetoothIT {

    @Test
    public void aSimulatedPeripheralPairsAndItsBondSurvivesARestart() throws Exception {
        Path state = Path.of("target", "bluetooth-state").toAbsolutePath();
        deleteRecursively(state);
        Files.createDirectories(state);
        System.setProperty(BluetoothBoots.STATE, state.toString());
        try {
            runBoot(BluetoothBoots.FirstBoot.class);
            assertTrue("the first boot recorded what it left", Files.isRegularFile(state.resolve(
                    BluetoothBoots.RECORD)));
            runBoot(BluetoothBoots.SecondBoot.class);
        } finally {
            System.clearProperty(BluetoothBoots.STATE);
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
