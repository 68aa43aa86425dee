package org.trusthub.lifecycle.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordSealer;
import org.trusthub.storage.StoreCorruptedException;

/**
 * Small test doubles: an event recorder, a sealer that can fail; and a copy of a store's files.
 */
final class TestSupport {

    private TestSupport() {
    }

    /**
     * Copies a record store's files as a backup would take them while the store is open (its lock file is the live
     * process's, so it stays behind).
     */
    static Path copyStore(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().endsWith(".lock")).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    record Published(String topic, Map<String, Object> properties) {
    }

    static final class RecordingSink implements LifecycleEventSink {
        final List<Published> events = new ArrayList<>();

        @Override
        public synchronized void publish(String topic, Map<String, Object> properties) {
            events.add(new Published(topic, Map.copyOf(properties)));
        }

        synchronized Published last() {
            return events.get(events.size() - 1);
        }

        synchronized int count() {
            return events.size();
        }
    }

    /** Checksums like the real registry, but refuses to seal while {@code fail} is set (a failed write). */
    static final class FailingSealer implements RecordSealer {
        volatile boolean fail;
        /** When not negative, how many more records may be sealed before {@code fail} sets itself. */
        volatile int sealsBeforeFailing = -1;

        @Override
        public byte[] keyCheck(byte[] fileSalt) {
            return ChecksumSealer.INSTANCE.keyCheck(fileSalt);
        }

        @Override
        public byte[] seal(byte[] fileSalt, byte[] aad, byte[] plaintext) {
            if (sealsBeforeFailing == 0) {
                fail = true;
                sealsBeforeFailing = -1;
            } else if (sealsBeforeFailing > 0) {
                sealsBeforeFailing--;
            }
            if (fail) {
                throw new IllegalStateException("simulated write failure");
            }
            return ChecksumSealer.INSTANCE.seal(fileSalt, aad, plaintext);
        }

        @Override
        public byte[] open(byte[] fileSalt, byte[] aad, byte[] sealed) throws StoreCorruptedException {
            return ChecksumSealer.INSTANCE.open(fileSalt, aad, sealed);
        }
    }
}
