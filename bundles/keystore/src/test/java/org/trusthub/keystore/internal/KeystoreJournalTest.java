package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.KeystoreRecords.AnchorRemoved;
import org.trusthub.keystore.internal.KeystoreRecords.Discard;
import org.trusthub.keystore.internal.KeystoreRecords.Rec;
import org.trusthub.storage.AesGcmSealer;

/**
 * The journal's own contract with the state it writes: a record is applied only once it is durable, exactly as a
 * replay applies it; a failed write applies nothing and leaves the usage it would have carried pending; a record
 * that destroys key material asks for a compaction that readers leave to the destroying thread, and a restart after
 * such a record compacts it away.
 */
class KeystoreJournalTest {

    private static final ThingId LAMP = ThingId.of("lamp-1");
    private static final byte[] MASTER_KEY = new byte[32];

    @TempDir
    Path dir;

    /** Records what the journal asks of the state; {@code destroys} says which records destroy key material. */
    static class FakeContents implements KeystoreJournal.Contents {
        final List<Rec> applied = new ArrayList<>();
        final List<ThingId> pendingUsage = new ArrayList<>();
        final List<ThingId> restored = new ArrayList<>();
        int snapshots;

        @Override
        public boolean apply(Rec rec) {
            applied.add(rec);
            return rec instanceof Discard;
        }

        @Override
        public List<byte[]> drainUsage(List<ThingId> drained) {
            List<byte[]> out = new ArrayList<>();
            for (ThingId id : pendingUsage) {
                drained.add(id);
                out.add(KeystoreRecords.encode(new AnchorRemoved("usage-of-" + id.value())));
            }
            pendingUsage.clear();
            return out;
        }

        @Override
        public List<ThingId> takeUsage() {
            List<ThingId> out = new ArrayList<>(pendingUsage);
            pendingUsage.clear();
            return out;
        }

        @Override
        public void restoreUsage(Collection<ThingId> things) {
            restored.addAll(things);
            pendingUsage.addAll(things);
        }

        @Override
        public List<Rec> snapshot() {
            snapshots++;
            return new ArrayList<>(applied);
        }
    }

    private KeystoreJournal open(FakeContents contents) {
        KeystoreJournal journal = new KeystoreJournal(dir, contents);
        journal.open("keys", new AesGcmSealer(MASTER_KEY.clone()), dir.resolve("master.key"));
        return journal;
    }

    @Test
    void aWrittenRecordIsAppliedAfterItsPendingUsageAndReplayedTheSameAtTheNextOpen() {
        FakeContents first = new FakeContents();
        KeystoreJournal journal = open(first);
        first.pendingUsage.add(LAMP);
        journal.writeAndApply(new AnchorRemoved("ca"));
        assertEquals(1, first.applied.size(), "the usage records are written, not applied again");
        assertTrue(first.pendingUsage.isEmpty());
        journal.abandon();

        FakeContents second = new FakeContents();
        open(second).abandon();
        assertEquals(List.of(new AnchorRemoved("usage-of-lamp-1"), new AnchorRemoved("ca")), second.applied,
                "a restart finds the usage and the change, in the order written");
    }

    @Test
    void aFailedWriteAppliesNothingAndLeavesItsUsagePending() {
        FakeContents contents = new FakeContents();
        KeystoreJournal journal = open(contents);
        journal.abandon(); // the store files are closed: every append fails
        contents.pendingUsage.add(LAMP);

        KeystoreException e = assertThrows(KeystoreException.class,
                () -> journal.writeAndApply(new AnchorRemoved("ca")));
        assertTrue(e.getMessage().startsWith("cannot write to keystore " + dir + "; nothing was changed"),
                e.getMessage());
        assertEquals(List.of(), contents.applied);
        assertEquals(List.of(LAMP), contents.restored);
        assertEquals(List.of(LAMP), contents.pendingUsage, "the usage goes with the next write");

        assertThrows(KeystoreException.class, () -> journal.writeUsage(() -> false, () -> {
            throw new AssertionError("nothing was written");
        }));
        assertEquals(List.of(LAMP), contents.pendingUsage);
    }

    @Test
    void writingUsageIsSkippedWhenNoLongerNeededAndReportedOnceDurable() {
        FakeContents contents = new FakeContents();
        KeystoreJournal journal = open(contents);
        contents.pendingUsage.add(LAMP);
        journal.writeUsage(() -> true, () -> {
            throw new AssertionError("nothing to write");
        });
        assertEquals(List.of(LAMP), contents.pendingUsage, "skipped: the usage stays pending");
        boolean[] written = {false};
        journal.writeUsage(() -> false, () -> written[0] = true);
        assertTrue(written[0]);
        assertTrue(contents.pendingUsage.isEmpty());
        journal.abandon();
    }

    @Test
    void destroyedKeyMaterialIsCompactedAwayByTheDestroyerNotByReaders() {
        FakeContents contents = new FakeContents();
        KeystoreJournal journal = open(contents);
        journal.writeAndApply(new AnchorRemoved("ca"));
        assertFalse(journal.compactionDue(true));

        journal.writeAndApply(new Discard(LAMP));
        assertTrue(journal.compactionDue(true));
        assertFalse(journal.compactionDue(false), "nothing is due for a reader");
        journal.compactIfDue(false);
        assertEquals(0, contents.snapshots, "a reader does not stall for a destruction compaction");
        assertTrue(journal.compactionDue(true), "it is still wanted");
        journal.compactIfDue(true);
        assertEquals(1, contents.snapshots);
        assertFalse(journal.compactionDue(true));
        journal.abandon();
    }

    @Test
    void aReaderGoesOnWhileTheDestroyerCompacts() throws Exception {
        java.util.concurrent.CountDownLatch compacting = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        FakeContents contents = new FakeContents() {
            @Override
            public List<Rec> snapshot() {
                // The revocation's compaction, holding the store mutex, until the test lets it finish.
                compacting.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.snapshot();
            }
        };
        KeystoreJournal journal = open(contents);
        KeystoreLock lock = new KeystoreLock(dir, journal);
        lock.writing(() -> {
            journal.writeAndApply(new Discard(LAMP));
            return null;
        });
        Thread destroyer = new Thread(lock::compactIfWanted, "destroyer");
        destroyer.start();
        compacting.await();
        java.util.concurrent.atomic.AtomicReference<String> derived = new java.util.concurrent.atomic.AtomicReference<>();
        Thread reader = new Thread(() -> derived.set(lock.readingThenCompact(() -> "derived")), "reader");
        reader.start();
        Thread.State state;
        try {
            state = org.trusthub.testkit.Await.until("the reader is done or waits for the store",
                    java.time.Duration.ofSeconds(30), reader::getState,
                    s -> s == Thread.State.TERMINATED || s == Thread.State.BLOCKED);
        } finally {
            release.countDown();
            destroyer.join();
            reader.join();
        }
        assertEquals(Thread.State.TERMINATED, state, "the reader waited for the destroyer's compaction");
        assertEquals("derived", derived.get());
        assertEquals(1, contents.snapshots);
        assertFalse(journal.compactionDue(true));
        journal.abandon();
    }

    @Test
    void aDestructionCutShortByACrashIsCompactedAtTheNextStart() {
        FakeContents before = new FakeContents();
        KeystoreJournal journal = open(before);
        journal.writeAndApply(new Discard(LAMP));
        journal.abandon(); // a crash before the compaction

        FakeContents after = new FakeContents();
        KeystoreJournal reopened = open(after);
        assertEquals(List.of(new Discard(LAMP)), after.applied);
        reopened.compactIfDue(true);
        assertEquals(1, after.snapshots, "the replayed destruction is still pending");
        reopened.compactIfDue(true);
        assertEquals(1, after.snapshots, "and compacted once");
        reopened.abandon();
    }
}
