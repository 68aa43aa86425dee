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
 * The hub's state survives a restart: two boots of the distribution, one after the other, share the keystore, the
 * master key and the registry (see {@link RestartBoots}). Pax Exam unpacks a fresh Karaf for every boot, so the
 * trusthub state lives in a directory both boots are configured to use, laid out as in the distribution.
 */
public class RestartIT {

    @Test
    public void keystoreRegistryAndHubIdentitySurviveARestart() throws Exception {
        Path state = Path.of("target", "restart-state").toAbsolutePath();
        deleteRecursively(state);
        Files.createDirectories(state);
        System.setProperty(RestartBoots.STATE, state.toString());
        try {
            runBoot(RestartBoots.FirstBoot.class);
            assertTrue("the first boot recorded what it left", Files.isRegularFile(state.resolve(RestartBoots.RECORD)));
            runBoot(RestartBoots.SecondBoot.class);
        } finally {
            System.clearProperty(RestartBoots.STATE);
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
