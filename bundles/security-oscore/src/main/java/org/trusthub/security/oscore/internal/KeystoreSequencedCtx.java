package org.trusthub.security.oscore.internal;

import java.util.function.IntPredicate;

import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.OSException;

/**
 * An OSCORE context whose sender sequence number is drawn from a {@link SequenceSource} (the keystore's persistent
 * counter) instead of counted in memory, so a restart never reuses a nonce. cf-oscore uses {@code getSenderSeq()}
 * as the Partial IV of the next message and then calls {@link #increaseSenderSeq()}; each sending thread draws its
 * own number, so every value it uses was handed out exactly once, also when threads send at once. The first value is
 * drawn when the context first sends, not when it is made.
 */
class KeystoreSequencedCtx extends OSCoreCtx {
    /** Largest sequence number cf-oscore carries (an int); RFC 8613 allows up to 2^40 - 1. */
    static final int SEQ_LIMIT = Integer.MAX_VALUE - 1;

    private final SequenceSource sequence;
    /**
     * Whether a Partial IV was (or may have been) accepted before a restart or by another context of the same key, as
     * the keystore's replay mark tells; checked before the message is verified, and changing nothing.
     */
    private final IntPredicate marked;
    private final Acceptance acceptance;
    private final Runnable replayed;

    /**
     * Told of a verified Partial IV the window found fresh, before the window takes it: {@code false} refuses it as a
     * replay; throws when the replay state cannot be recorded.
     */
    @FunctionalInterface
    interface Acceptance {
        boolean accepting(int seq);
    }

    KeystoreSequencedCtx(byte[] masterSecret, boolean client, byte[] senderId, byte[] recipientId,
            byte[] masterSalt, byte[] idContext, int replayWindow, SequenceSource sequence) throws OSException {
        this(masterSecret, client, senderId, recipientId, masterSalt, idContext, replayWindow, sequence, seq -> false,
                seq -> true, () -> {
                });
    }

    KeystoreSequencedCtx(byte[] masterSecret, boolean client, byte[] senderId, byte[] recipientId,
            byte[] masterSalt, byte[] idContext, int replayWindow, SequenceSource sequence, IntPredicate marked,
            Acceptance acceptance, Runnable replayed) throws OSException {
        super(masterSecret, client, AlgorithmID.AES_CCM_16_64_128, senderId, recipientId,
                AlgorithmID.HKDF_HMAC_SHA_256, replayWindow, masterSalt, idContext, DEFAULT_MAX_UNFRAGMENTED);
        this.sequence = sequence;
        this.marked = marked;
        this.acceptance = acceptance;
        this.replayed = replayed;
    }

    private static final int DEFAULT_MAX_UNFRAGMENTED = 4096;

    /**
     * The number each sending thread reserved, from its {@link #getSenderSeq()} until its {@link #increaseSenderSeq()}.
     * cf-oscore reads the sender sequence number several times while it protects a message and increases it only
     * afterwards, without a lock; the hub sends on one context from several threads (reads, observations), and a
     * shared number would give two messages the same Partial IV, so the same AES-CCM nonce. Each thread gets its
     * own, drawn under the lock.
     */
    private final ThreadLocal<Integer> reserved = new ThreadLocal<>();

    /**
     * Drawn when the context first sends, not when it is made: drawing writes to the keystore, and a context opened
     * for a request that then does not decrypt must not.
     */
    @Override
    public int getSenderSeq() {
        Integer mine = reserved.get();
        if (mine == null) {
            mine = draw();
            reserved.set(mine);
        }
        return mine;
    }

    private synchronized int draw() {
        try {
            int seq = sequence.next();
            super.setSenderSeq(seq);
            return seq;
        } catch (OSException e) {
            throw new IllegalStateException("no sender sequence number", e);
        }
    }

    /** The calling thread's message is protected: its number is used up, the next message draws a new one. */
    @Override
    public void increaseSenderSeq() {
        reserved.remove();
    }

    /** The sequence number is the keystore's: nobody may set it. */
    @Override
    public void setSenderSeq(int seq) {
        throw new UnsupportedOperationException("the sender sequence number comes from the keystore");
    }

    /** The Partial IV of the request this thread is verifying, until its tag is found good. */
    private final ThreadLocal<Integer> unverified = new ThreadLocal<>();

    /**
     * Checks the replay window but leaves it as it was. cf-oscore 3.13 calls this before it verifies the AEAD tag and
     * would otherwise move the window for a forged message: anyone knowing a thing's key id could send one with a
     * huge Partial IV and lock the thing out. RFC 8613, 7.4: the window is updated only once the message verifies.
     */
    @Override
    public synchronized void checkIncomingSeq(int seq) throws OSException {
        if (marked.test(seq)) {
            replayed.run();
            // cf-oscore answers this 4.01, as any replay.
            throw new OSException(org.eclipse.californium.oscore.ErrorDescriptions.REPLAY_DETECT);
        }
        int lowest = getLowestRecipientSeq();
        int window = getRecipientReplayWindow();
        try {
            super.checkIncomingSeq(seq);
        } catch (OSException e) {
            replayed.run();
            throw e;
        }
        setRecipientSeq(lowest);
        setRecipientReplayWindow(window);
        unverified.set(seq);
    }

    /**
     * cf-oscore sets the inner code right after a request decrypted and verified, and nowhere else: the point at which
     * the window may take the Partial IV. A concurrent copy that got there first makes this one a replay.
     */
    @Override
    public synchronized void setCoAPCode(org.eclipse.californium.core.coap.CoAP.Code code) {
        Integer seq = unverified.get();
        if (seq != null) {
            unverified.remove();
            boolean accepted;
            try {
                // The mark is on disk before the window takes the number (write-ahead): a crash cannot forget it.
                accepted = acceptance.accepting(seq);
                if (accepted) {
                    super.checkIncomingSeq(seq);
                }
            } catch (OSException e) {
                throw new IllegalStateException("Replay detected", e);
            } catch (RuntimeException e) {
                // The keystore could not record the mark (stale or revoked key, a failed write): not accepted.
                throw new IllegalStateException("Replay state cannot be recorded", e);
            }
            if (!accepted) {
                // Another context of the same key took it (see ReplayMarks.Guard).
                replayed.run();
                throw new IllegalStateException("Replay detected");
            }
        }
        super.setCoAPCode(code);
    }

    @Override
    public String toString() {
        return "OSCORE context[sender " + getSenderIdString() + ", recipient " + getRecipientIdString()
                + ", keys redacted]";
    }
}
