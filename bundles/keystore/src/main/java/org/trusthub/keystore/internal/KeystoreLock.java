package org.trusthub.keystore.internal;

import java.nio.file.Path;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The keystore's read/write lock, whether it is closed, and when the compaction a write asked for runs.
 *
 * <p>Deriving keys, drawing counters and moving replay marks run {@linkplain #reading reading}, in parallel;
 * enrollment, rotation, revocation, stored keys, anchors, compaction and close run {@linkplain #writing writing}. A
 * compaction a write asked for runs after the lock is left, under the read lock, so derivations and counter values
 * within reserved blocks go on meanwhile (writes wait for the store mutex). Lock order: this lock, a counter's or a
 * mark's monitor, the journal's store mutex.
 */
final class KeystoreLock {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Lock read = lock.readLock();
    private final Lock write = lock.writeLock();
    private final Path storeDirectory;
    private final KeystoreJournal journal;
    private volatile boolean closed;

    KeystoreLock(Path storeDirectory, KeystoreJournal journal) {
        this.storeDirectory = storeDirectory;
        this.journal = journal;
    }

    /**
     * Runs {@code op} under the read lock.
     *
     * @throws IllegalStateException if the keystore is closed
     */
    <T> T reading(Supplier<T> op) {
        read.lock();
        try {
            checkOpen();
            return op.get();
        } finally {
            read.unlock();
        }
    }

    /**
     * Runs {@code op}, which may write, under the read lock, then the compaction its write asked for, except one for
     * destroyed key material: that one is left to the thread that destroyed it, so a reader does not stall for it.
     */
    <T> T readingThenCompact(Supplier<T> op) {
        try {
            return reading(op);
        } finally {
            compactIfWanted(false);
        }
    }

    /**
     * Runs {@code op} under the write lock. Callers that wrote call {@link #compactIfWanted()} afterwards.
     *
     * @throws IllegalStateException if the keystore is closed
     */
    <T> T writing(Supplier<T> op) {
        write.lock();
        try {
            checkOpen();
            return op.get();
        } finally {
            write.unlock();
        }
    }

    /** Closes: runs {@code close} under the write lock, once; later calls do nothing. */
    void close(Runnable close) {
        write.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            close.run();
        } finally {
            write.unlock();
        }
    }

    /** Marks the keystore closed without running anything (opening failed). */
    void abandon() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    /** Runs the compaction the last write asked for, destroyed key material included. Callers hold no lock. */
    void compactIfWanted() {
        compactIfWanted(true);
    }

    private void compactIfWanted(boolean destructionToo) {
        // A reader looks only for a journal that outgrew the snapshot: while a revocation compacts, the flag for
        // destroyed material is set, and looking would mean waiting for the store mutex until that compaction ends.
        if (!journal.compactionDue(destructionToo)) {
            return;
        }
        read.lock();
        try {
            if (!closed) {
                journal.compactIfDue(destructionToo);
            }
        } finally {
            read.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("keystore " + storeDirectory + " is closed");
        }
    }
}
