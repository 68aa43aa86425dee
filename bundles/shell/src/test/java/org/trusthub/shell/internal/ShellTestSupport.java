package org.trusthub.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.storage.StoreException;
import org.trusthub.testkit.TestClock;

/**
 * Runs actions the way Karaf would, with their output captured, against the hub's real keystore and registry in a
 * temporary directory.
 */
class ShellTestSupport {

    static final Instant START = Instant.parse("2026-11-22T08:00:00Z");
    static final String MECHANISM = "ieee802154-ccm-star";

    @TempDir
    Path stores;

    /** The keystore's clock stands at 08:00 until a test moves it. */
    final TestClock keyClock = new TestClock(START, Duration.ZERO);
    FileThingKeyStore keyStore;
    ThingRegistryCore registry;
    ByteArrayOutputStream captured;
    private int references;

    @BeforeEach
    void openStores() throws StoreException {
        keyStore = FileThingKeyStore.open(stores.resolve("keys"), stores.resolve("etc/master.key"), keyClock,
                FileThingKeyStore.DEFAULT_COUNTER_RESERVATION, e -> {
                });
        registry = openRegistry(stores.resolve("registry"));
    }

    @AfterEach
    void closeStores() {
        registry.close();
        keyStore.close();
    }

    /** A registry on the keystore whose clock ticks one minute per change, so the first change is at 08:01. */
    ThingRegistryCore openRegistry(Path directory) throws StoreException {
        return new ThingRegistryCore(directory, keyStore, LifecycleEventSink.NONE,
                new TestClock(START, Duration.ofMinutes(1)));
    }

    /** Runs the action, which must succeed and return nothing (Karaf would print a returned value). */
    String run(TrustHubAction action) throws Exception {
        captured = new ByteArrayOutputStream();
        action.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        assertNull(action.execute());
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Runs the action, which must fail with one line starting "Error:" and print nothing; returns that line. */
    String fail(TrustHubAction action) {
        captured = new ByteArrayOutputStream();
        action.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        CommandException e = assertThrows(CommandException.class, action::execute);
        String line = e.getNiceHelp();
        assertEquals(e.getMessage(), line);
        assertTrue(line.startsWith("Error: "), line);
        assertFalse(line.contains("\n") || line.contains("\r"), "one line: " + line);
        assertEquals("", captured.toString(StandardCharsets.UTF_8), "a failed command prints nothing");
        return line;
    }

    static byte[] key(ThingKeyStore keys, ThingId id, Layer layer) {
        DerivedKey key = keys.deriveKey(id, layer, MECHANISM, 32);
        try {
            return key.bytes();
        } finally {
            key.destroy();
        }
    }

    int generation(ThingId id, Layer layer) {
        return keyStore.metadata(id).layers().get(layer.ordinal()).generation();
    }

    /** Every key record the keystore holds, to show that a refused command changed none. */
    List<KeyMetadata> allKeys() {
        return keyStore.things().stream().map(keyStore::metadata).toList();
    }

    /**
     * The keystore holds exactly this root secret for the thing (it never hands a secret out): a second keystore
     * given the secret derives the same key.
     */
    void assertEnrolledSecret(byte[] expected, ThingId id) {
        Path reference = stores.resolve("reference-" + references++);
        try (FileThingKeyStore other = FileThingKeyStore.open(reference.resolve("keys"),
                reference.resolve("master.key"))) {
            other.enroll(id, RootCredential.secret(expected));
            // (never assertArrayEquals: a failure would print the keys)
            assertTrue(Arrays.equals(key(other, id, Layer.LINK), key(keyStore, id, Layer.LINK)),
                    "the keystore holds another root secret for " + id);
        }
    }
}
