package org.trusthub.keystore.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.KeystoreRecords.MalformedRecordException;
import org.trusthub.keystore.internal.KeystoreRecords.Rec;
import org.trusthub.storage.AesGcmSealer;
import org.trusthub.storage.RecordStore;
import org.trusthub.storage.StoreCorruptedException;
import org.trusthub.storage.StoreException;
import org.trusthub.storage.WrongKeyException;

/**
 * The keystore's records on disk: a {@link RecordStore} sealed under the hub master key, and the rule that every
 * change is first written (durable when the write returns), then applied to memory while the store mutex is still
 * held, through the same {@link Contents#apply} that replays the store at start. So a failed write changes nothing,
 * no compaction falls between a write and its change in memory, and what a restart finds is what callers were told.
 *
 * <p>It also decides when to compact: when a record destroyed key material whose bytes the files still hold (the
 * compaction takes them out), or when the journal has outgrown the snapshot. Writes are serialised by the store
 * mutex, the last lock taken (after the keystore's read/write lock and a counter's or mark's monitor). Callers of
 * {@link #compactIfDue} and {@link #compact} hold the keystore's read or write lock, so no record is applied
 * meanwhile but under the store mutex.
 */
final class KeystoreJournal {

    /** The state the records build: in memory, changed only through {@link #apply}. */
    interface Contents {
        /**
         * Applies one record to memory, at start (replay) and after each write.
         *
         * @return whether it destroyed key material whose bytes may still be in the store files
         * @throws IllegalStateException if the record does not fit the history before it
         */
        boolean apply(Rec rec);

        /** Encoded usage records of the things whose usage is pending; takes them off pending into {@code drained}. */
        List<byte[]> drainUsage(List<ThingId> drained);

        /** Takes every thing off pending usage (a snapshot holds their usage) and returns them. */
        List<ThingId> takeUsage();

        /** Puts things back on pending usage, after a write that would have carried theirs failed. */
        void restoreUsage(Collection<ThingId> things);

        /** The records of the whole state, for a snapshot; the journal wipes their encodings, never them. */
        List<Rec> snapshot();
    }

    private static final Logger LOG = LoggerFactory.getLogger(KeystoreJournal.class);

    private final Path directory;
    private final Contents contents;
    private final Object storeMutex = new Object();
    private RecordStore store;
    // Set when a record destroys key material (revocation, discarded enrollment, deleted, replaced or rotated
    // stored key) whose bytes are still in the store files; cleared by a compaction. Set at replay too, so a
    // revocation whose compaction failed or was cut short by a crash is compacted away at the next start.
    // Guarded by storeMutex (and single-threaded during open).
    private boolean destructionPending;
    // Whether the last write left the journal larger than the snapshot: any caller may fold it in. Read without the
    // store mutex, so a reader can tell that nothing is due for it without waiting behind a running compaction.
    private volatile boolean outgrown;
    // Whether destroyed key material waits for a compaction: the thread that destroyed it runs that one, once it has
    // left the write lock; readers never wait for it.
    private volatile boolean destructionDue;

    KeystoreJournal(Path directory, Contents contents) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.contents = Objects.requireNonNull(contents, "contents");
    }

    /**
     * Opens the store files and replays every record into the contents.
     *
     * @param masterKeyFile where the sealer's key came from, for the messages
     * @throws KeystoreException naming what to restore when the store was sealed under another key, is damaged or
     *         cannot be read; the files are left as found
     */
    void open(String name, AesGcmSealer sealer, Path masterKeyFile) {
        try {
            store = RecordStore.open(directory, name, sealer, this::replay);
        } catch (WrongKeyException e) {
            throw new KeystoreException("keystore " + directory + " was sealed under another master key than "
                    + "the one in " + masterKeyFile + "; nothing was changed: restore the master key file that "
                    + "belongs to this store (" + e.getMessage() + ")", e);
        } catch (StoreCorruptedException e) {
            throw new KeystoreException("keystore " + directory + " is damaged and was left as found for "
                    + "inspection; restore it from a backup (" + e.getMessage() + ")", e);
        } catch (StoreException e) {
            throw new KeystoreException("cannot open keystore " + directory + ": " + e.getMessage(), e);
        }
    }

    private void replay(byte[] record) {
        Rec rec;
        try {
            rec = KeystoreRecords.decode(record);
        } catch (MalformedRecordException e) {
            throw new IllegalStateException(e.getMessage());
        } finally {
            Arrays.fill(record, (byte) 0);
        }
        destructionPending |= contents.apply(rec);
    }

    /** Appends one record and nothing else; for the hub identity made while the store is opened. */
    void appendAlone(byte[] record) throws StoreException {
        synchronized (storeMutex) {
            store.append(record);
        }
    }

    /**
     * Writes a validated change preceded by pending usage records, with one force to disk, then applies it; a failed
     * write leaves memory as it was (and wipes the record).
     *
     * @throws KeystoreException if the write fails
     */
    void writeAndApply(Rec rec) {
        byte[] record = KeystoreRecords.encode(rec);
        try {
            synchronized (storeMutex) {
                List<ThingId> drained = new ArrayList<>();
                List<byte[]> batch = contents.drainUsage(drained);
                batch.add(record);
                try {
                    store.appendAll(batch);
                } catch (StoreException | RuntimeException e) {
                    contents.restoreUsage(drained);
                    throw new KeystoreException("cannot write to keystore " + directory + "; nothing was changed: "
                            + e.getMessage(), e);
                }
                destructionPending |= contents.apply(rec);
                // Besides destroyed keys, a journal that has outgrown the snapshot is folded in, so it stays within
                // a constant factor of the state (amortised: each compaction follows at least a snapshot's worth of
                // appends).
                outgrown = store.shouldCompact();
                destructionDue = destructionPending;
            }
        } catch (RuntimeException e) {
            KeystoreRecords.wipe(rec);
            throw e;
        } finally {
            Arrays.fill(record, (byte) 0);
        }
    }

    /**
     * Writes the pending usage records now, unless {@code done} says (under the store mutex) that it is no longer
     * needed; runs {@code written} once they are durable.
     *
     * @throws KeystoreException if the write fails
     */
    void writeUsage(BooleanSupplier done, Runnable written) {
        synchronized (storeMutex) {
            if (done.getAsBoolean()) {
                return;
            }
            List<ThingId> drained = new ArrayList<>();
            List<byte[]> batch = contents.drainUsage(drained);
            try {
                store.appendAll(batch);
            } catch (StoreException | RuntimeException e) {
                contents.restoreUsage(drained);
                throw new KeystoreException("cannot write to keystore " + directory + ": " + e.getMessage(), e);
            }
            written.run();
            outgrown = store.shouldCompact();
            destructionDue = destructionPending;
        }
    }

    /**
     * Whether the last write asked for a compaction: one for a journal that outgrew the snapshot, or with
     * {@code destructionToo} also one for destroyed key material.
     */
    boolean compactionDue(boolean destructionToo) {
        return outgrown || destructionToo && destructionDue;
    }

    /**
     * Compacts when destroyed key material is still in the files or when the store says it pays off. A failure is
     * logged: the change that asked for it is already durable, and the compaction is retried with the next write
     * and at the next start.
     *
     * @param destructionToo whether to compact for destroyed key material too; readers (derivations, counters) pass
     *        false and leave that compaction to the thread that destroyed the material, so they do not stall for it
     */
    void compactIfDue(boolean destructionToo) {
        synchronized (storeMutex) {
            try {
                if ((destructionToo && destructionPending) || store.shouldCompact()) {
                    compactLocked();
                }
            } catch (StoreException | RuntimeException e) {
                LOG.warn("Keystore {}: compaction failed, the journal still holds every change; retried with the "
                        + "next write: {}", directory, e.getMessage());
            } finally {
                // Done or failed: a failure is retried with the next write (which sets these again) and at the next
                // start. A reader leaves the destruction to the thread that destroyed the material.
                outgrown = false;
                if (destructionToo) {
                    destructionDue = false;
                }
            }
        }
    }

    /** Folds the journal into a new snapshot now. */
    void compact() throws StoreException {
        synchronized (storeMutex) {
            compactLocked();
        }
    }

    // Counter and mark reservations are read without their monitors (a drawing thread holds its counter's monitor
    // while it waits for the store mutex); they change only under the store mutex.
    private void compactLocked() throws StoreException {
        // usage recorded from here on by concurrent derivations stays pending for the next write
        List<ThingId> dirty = contents.takeUsage();
        List<byte[]> records = new ArrayList<>();
        boolean done = false;
        try {
            contents.snapshot().forEach(r -> records.add(KeystoreRecords.encode(r)));
            store.compact(records);
            destructionPending = false;
            done = true;
        } finally {
            records.forEach(r -> Arrays.fill(r, (byte) 0));
            if (!done) {
                contents.restoreUsage(dirty);
            }
        }
    }

    /**
     * Writes pending usage and {@code last} (applied once written), compacts if that pays off, and closes the store
     * files. A failed write is logged: the store still holds every acknowledged change.
     */
    void close(List<? extends Rec> last) {
        synchronized (storeMutex) {
            try {
                List<byte[]> batch = contents.drainUsage(new ArrayList<>());
                last.forEach(r -> batch.add(KeystoreRecords.encode(r)));
                store.appendAll(batch);
                last.forEach(contents::apply);
                if (store.shouldCompact()) {
                    compactLocked();
                }
            } catch (StoreException | RuntimeException e) {
                LOG.warn("Keystore {}: could not write the latest key usage times at close: {}", directory,
                        e.getMessage());
            }
            store.close();
        }
    }

    /** Closes the store files without writing (opening failed half-way). */
    void abandon() {
        synchronized (storeMutex) {
            store.close();
        }
    }
}
