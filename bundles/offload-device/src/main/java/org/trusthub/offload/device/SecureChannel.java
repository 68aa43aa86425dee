package org.trusthub.offload.device;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.ReplayWindow;

import com.upokecenter.cbor.CBORObject;

/**
 * A protected channel between two things, keyed by what the hub handed out (a token's OSCORE input material or a
 * pairwise key). Key and nonce derivation follow OSCORE (RFC 8613 sections 3.2 and 5.2) with AES-CCM-16-64-128;
 * the message is the compact {@code [kid, partial IV, ciphertext]}, without CoAP option processing. Each direction has
 * its own key and sequence numbers; the receiver keeps a replay window. The channel dies with the lifetime of what
 * keyed it. The hub plays no part once the channel exists.
 */
public final class SecureChannel {
    private static final int PIV_MAX = 5;

    private final Crypto crypto;
    private final Clock clock;
    private final byte[] senderId;
    private final byte[] recipientId;
    private final byte[] senderKey;
    private final byte[] recipientKey;
    private final byte[] commonIv;
    private final Instant expires;
    private final ReplayWindow window = new ReplayWindow();
    private long nextSeq;

    SecureChannel(Crypto crypto, Clock clock, byte[] masterSecret, byte[] masterSalt, byte[] idContext,
            byte[] senderId, byte[] recipientId, Instant expires) {
        this.crypto = crypto;
        this.clock = clock;
        this.senderId = senderId.clone();
        this.recipientId = recipientId.clone();
        this.senderKey = Oscore.key(crypto, masterSecret, masterSalt, senderId, idContext);
        this.recipientKey = Oscore.key(crypto, masterSecret, masterSalt, recipientId, idContext);
        this.commonIv = Oscore.commonIv(crypto, masterSecret, masterSalt, idContext);
        this.expires = expires;
    }

    /** When the material that keyed the channel expires; after that it neither protects nor accepts. */
    public Instant expires() {
        return expires;
    }

    public boolean expired() {
        return !clock.instant().isBefore(expires);
    }

    /** Protects a message for the peer (one AEAD operation). */
    public synchronized byte[] protect(byte[] plaintext) {
        if (expired()) {
            throw new OffloadException(Refusal.EXPIRED, "channel keys expired at " + expires);
        }
        long seq = nextSeq++;
        if (seq > 0xFF_FFFF_FFFFL) {
            throw new OffloadException(Refusal.EXPIRED, "channel sequence numbers exhausted");
        }
        byte[] piv = Oscore.piv(seq);
        byte[] ct = crypto.ccmSeal(senderKey, Oscore.nonce(senderId, piv, commonIv), Oscore.aad(senderId, piv),
                plaintext);
        byte[] msg = Cbor.encodeArray(senderId, piv, ct);
        crypto.ops().sent(msg.length);
        return msg;
    }

    /**
     * Checks and opens a message from the peer.
     *
     * @throws OffloadException MALFORMED, WRONG_BINDING (another sender), REPLAYED, FORGED or EXPIRED; the window does
     *         not move then
     */
    public synchronized byte[] unprotect(byte[] message) {
        crypto.ops().received(message.length);
        if (expired()) {
            throw new OffloadException(Refusal.EXPIRED, "channel keys expired at " + expires);
        }
        CBORObject a = Cbor.array(Cbor.decode(message, "protected message"), 3, "protected message");
        byte[] kid = Cbor.bytes(a.get(0), "kid");
        byte[] piv = Cbor.bytes(a.get(1), "partial IV");
        byte[] ct = Cbor.bytes(a.get(2), "ciphertext");
        if (!Arrays.equals(kid, recipientId)) {
            throw new OffloadException(Refusal.WRONG_BINDING, "message is from another sender");
        }
        if (piv.length == 0 || piv.length > PIV_MAX) {
            throw new OffloadException(Refusal.MALFORMED, "partial IV must be 1 to 5 bytes");
        }
        long seq = 0;
        for (byte b : piv) {
            seq = (seq << 8) | (b & 0xFF);
        }
        if (!window.fresh(seq)) {
            throw new OffloadException(Refusal.REPLAYED, "sequence number " + seq + " replayed or too old");
        }
        byte[] pt;
        try {
            pt = crypto.ccmOpen(recipientKey, Oscore.nonce(recipientId, piv, commonIv), Oscore.aad(recipientId, piv),
                    ct);
        } catch (InvalidCipherTextException e) {
            throw new OffloadException(Refusal.FORGED, "message does not verify under the channel key");
        }
        window.accept(seq);
        return pt;
    }

    @Override
    public String toString() {
        return "SecureChannel[expires " + expires + ", keys redacted]";
    }
}
