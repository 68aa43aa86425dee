package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The keystore lock's own contract: a closed keystore refuses every call by name, and closing runs once. */
class KeystoreLockTest {

    private static final Path DIR = Path.of("/var/lib/trusthub/keystore");

    private final KeystoreLock lock = new KeystoreLock(DIR, new KeystoreJournal(DIR,
            new KeystoreJournalTest.FakeContents()));

    @Test
    void closingRunsOnceAndThenEveryCallIsRefused() {
        List<String> closed = new ArrayList<>();
        assertEquals("read", lock.reading(() -> "read"));
        assertEquals("written", lock.writing(() -> "written"));
        lock.close(() -> closed.add("closed"));
        lock.close(() -> closed.add("closed again"));
        assertEquals(List.of("closed"), closed);
        assertTrue(lock.closed());
        for (Runnable call : List.<Runnable>of(() -> lock.reading(() -> null), () -> lock.writing(() -> null),
                () -> lock.readingThenCompact(() -> null))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
            assertEquals("keystore " + DIR + " is closed", e.getMessage());
        }
    }

    @Test
    void anAbandonedKeystoreIsClosedWithoutRunningAClose() {
        lock.abandon();
        lock.close(() -> {
            throw new AssertionError("an abandoned keystore has nothing to close");
        });
        assertThrows(IllegalStateException.class, () -> lock.reading(() -> null));
    }
}
