package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.runner.JUnitCore;
import org.junit.runner.Result;
import org.ops4j.pax.exam.Option;

/**
 * Two boots of the distribution, one after the other, that share the trusthub state (RestartIT, ZigbeeRestartIT,
 * BluetoothIT). Pax Exam unpacks a fresh Karaf for every boot, so the state lives in a directory both boots are
 * configured to use, laid out as in the distribution; the first boot leaves a record of what it did there for the
 * second.
 */
final class TwoBoots {
    private TwoBoots() {
    }

    /**
     * The driver: a fresh directory {@code target/<directory>}, handed to the boots in system property
     * {@code property}; the first boot must leave {@code record} there ({@code what} says what it holds) before the
     * second runs.
     */
    static void run(String directory, String property, Class<?> first, String record, String what, Class<?> second)
            throws IOException {
        Path state = Path.of("target", directory).toAbsolutePath();
        deleteRecursively(state);
        Files.createDirectories(state);
        System.setProperty(property, state.toString());
        try {
            runBoot(first);
            assertTrue("the first boot recorded " + what, Files.isRegularFile(state.resolve(record)));
            runBoot(second);
        } finally {
            System.clearProperty(property);
        }
    }

    /**
     * The hub with its keystore, master key and registry in the shared directory, plus {@code extra}; the directory
     * is also passed into the container in {@code property}. Only the driver {@code driver} sets it.
     */
    static Option[] options(String property, String driver, Option... extra) {
        Path dir = directory(property, driver);
        List<Option> options = new ArrayList<>(List.of(
                editConfigurationFilePut("etc/org.trusthub.keystore.cfg", "storeDirectory",
                        dir.resolve("data/trusthub/keystore").toString()),
                editConfigurationFilePut("etc/org.trusthub.keystore.cfg", "masterKeyFile",
                        dir.resolve("etc/trusthub/master.key").toString()),
                editConfigurationFilePut("etc/org.trusthub.lifecycle.cfg", "registryDirectory",
                        dir.resolve("data/trusthub/registry").toString())));
        options.addAll(List.of(extra));
        options.add(systemProperty(property).value(dir.toString()));
        return HubOptions.hub(options.toArray(Option[]::new));
    }

    /** The shared directory, in the driver's JVM, where only the driver {@code driver} sets {@code property}. */
    static Path directory(String property, String driver) {
        String state = System.getProperty(property);
        if (state == null) {
            throw new IllegalStateException("run through " + driver + ", which sets " + property);
        }
        return Path.of(state);
    }

    /** The first boot's record for the second. */
    static void store(Path file, Properties record, String comment) throws IOException {
        try (Writer w = Files.newBufferedWriter(file)) {
            record.store(w, comment);
        }
    }

    /** What the first boot recorded. */
    static Properties load(Path file) throws IOException {
        Properties record = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            record.load(r);
        }
        return record;
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
