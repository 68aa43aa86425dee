package org.trusthub.security.app.oscore.internal;

import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.OSException;

/**
 * An OSCORE context whose sender sequence number is drawn from a {@link SequenceSource} (the keystore's persistent
 * counter) instead of counted in memory, so a restart never reuses a nonce. cf-oscore uses {@code getSenderSeq()}
 * as the Partial IV of the next message and then calls {@link #increaseSenderSeq()}; drawing there means every
 * value it uses was handed out exactly once.
 */
class KeystoreSequencedCtx extends OSCoreCtx {
    /** Largest sequence number cf-oscore carries (an int); RFC 8613 allows up to 2^40 - 1. */
    static final int SEQ_LIMIT = Integer.MAX_VALUE - 1;

    private final SequenceSource sequence;

    KeystoreSequencedCtx(byte[] masterSecret, boolean client, byte[] senderId, byte[] recipientId,
            byte[] masterSalt, byte[] idContext, int replayWindow, SequenceSource sequence) throws OSException {
        super(masterSecret, client, AlgorithmID.AES_CCM_16_64_128, senderId, recipientId,
                AlgorithmID.HKDF_HMAC_SHA_256, replayWindow, masterSalt, idContext, DEFAULT_MAX_UNFRAGMENTED);
        this.sequence = sequence;
        super.setSenderSeq(sequence.next());
    }

    private static final int DEFAULT_MAX_UNFRAGMENTED = 4096;

    @Override
    public synchronized void increaseSenderSeq() throws OSException {
        super.setSenderSeq(sequence.next());
    }

    /** The sequence number is the keystore's; nobody may wind it back. */
    @Override
    public synchronized void setSenderSeq(int seq) {
        if (seq < getSenderSeq()) {
            throw new IllegalArgumentException("sender sequence number cannot go back");
        }
        super.setSenderSeq(seq);
    }

    @Override
    public String toString() {
        return "OSCORE context[sender " + getSenderIdString() + ", recipient " + getRecipientIdString()
                + ", keys redacted]";
    }
}
