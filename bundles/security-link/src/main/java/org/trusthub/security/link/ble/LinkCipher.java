package org.trusthub.security.link.ble;

import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-CCM protection of one connection's data PDUs (Vol 6 Part E 2, 3): the 13-octet nonce is the 39-bit packet
 * counter and the direction bit (1 from the central) followed by the 8-octet IV; the additional data is the first
 * header octet with NESN, SN and MD masked out; the MIC is 4 octets. Each direction has its own counter, which
 * starts at 0 when encryption starts and advances only for a packet sealed, or opened with a valid MIC. Empty PDUs
 * are never encrypted. The session key is fresh per connection (random SKDm and SKDs), so counters need not outlive
 * it: unlike IEEE 802.15.4 and ZigBee frame counters they are deliberately not kept as keystore replay marks, since
 * the specification resets them at every encryption start and a packet captured in an earlier connection does not
 * open under the new session key. Not thread-safe: a connection has one sender and one receiver.
 */
public final class LinkCipher {

    /** Which end of the connection this cipher is. */
    public enum Role {
        CENTRAL,
        PERIPHERAL
    }

    /** Largest packet counter value (39 bits); past it the link must be re-keyed. */
    public static final long MAX_COUNTER = (1L << 39) - 1;
    /** Mask of the header octet that goes into the additional data (NESN, SN, MD cleared). */
    private static final int AAD_MASK = 0xE3;

    private final KeyParameter key;
    private final byte[] iv;
    private final Role role;
    private final CCMModeCipher tx = CCMBlockCipher.newInstance(AESEngine.newInstance());
    private final CCMModeCipher rx = CCMBlockCipher.newInstance(AESEngine.newInstance());
    private long txCounter;
    private long rxCounter;

    /**
     * @param sessionKey the 16-octet session key SK as the AES key
     * @param iv IVm then IVs, each least significant octet first, as the nonce carries them
     */
    public LinkCipher(byte[] sessionKey, byte[] iv, Role role) {
        this(sessionKey, iv, role, 0, 0);
    }

    LinkCipher(byte[] sessionKey, byte[] iv, Role role, long txCounter, long rxCounter) {
        if (sessionKey == null || sessionKey.length != 16) {
            throw new IllegalArgumentException("the session key is 16 octets");
        }
        if (iv == null || iv.length != 8) {
            throw new IllegalArgumentException("the IV is 8 octets");
        }
        this.key = new KeyParameter(sessionKey);
        this.iv = iv.clone();
        this.role = role;
        this.txCounter = txCounter;
        this.rxCounter = rxCounter;
    }

    /**
     * The cipher of a connection from its long term key and the values the encryption start exchanged, all in
     * specification notation (most significant octet first).
     */
    public static LinkCipher fromLtk(byte[] ltk, EncryptionStart start, Role role) {
        byte[] sk = LeCrypto.sessionKey(ltk, start.skdm(), start.skds());
        try {
            return new LinkCipher(sk, start.iv(), role);
        } finally {
            Arrays.fill(sk, (byte) 0);
        }
    }

    /** Encrypts a PDU's payload and appends the MIC; the packet counter of this direction advances. */
    public DataPdu seal(DataPdu plain) {
        if (plain.length() == 0) {
            return plain;
        }
        if (plain.length() > DataPdu.MAX_PAYLOAD) {
            throw DataPdu.malformed("plaintext longer than " + DataPdu.MAX_PAYLOAD + " octets");
        }
        if (txCounter > MAX_COUNTER) {
            throw new BleSecurityException(BleSecurityException.Reason.COUNTER_EXHAUSTED,
                    "the transmit packet counter is exhausted; the link must be re-keyed");
        }
        byte[] out = process(tx, true, txCounter, role == Role.CENTRAL, plain.header0(), plain.payload());
        txCounter++;
        return plain.withPayload(out);
    }

    /**
     * Checks the MIC and decrypts; on any failure nothing changes (the counter does not advance) and the PDU is
     * refused.
     */
    public DataPdu open(DataPdu sealed) {
        if (sealed.length() == 0) {
            return sealed;
        }
        if (sealed.length() < DataPdu.MIC_LENGTH + 1) {
            throw DataPdu.malformed("an encrypted PDU holds at least one octet and a 4-octet MIC");
        }
        if (rxCounter > MAX_COUNTER) {
            throw new BleSecurityException(BleSecurityException.Reason.COUNTER_EXHAUSTED,
                    "the receive packet counter is exhausted; the link must be re-keyed");
        }
        byte[] out = process(rx, false, rxCounter, role != Role.CENTRAL, sealed.header0(), sealed.payload());
        rxCounter++;
        return sealed.withPayload(out);
    }

    public long txCounter() {
        return txCounter;
    }

    public long rxCounter() {
        return rxCounter;
    }

    private byte[] process(CCMModeCipher ccm, boolean encrypt, long counter, boolean fromCentral, int header0,
            byte[] in) {
        byte[] nonce = nonce(counter, fromCentral, iv);
        ccm.init(encrypt, new AEADParameters(key, DataPdu.MIC_LENGTH * 8, nonce, new byte[] { (byte) (header0
                & AAD_MASK) }));
        byte[] out = new byte[ccm.getOutputSize(in.length)];
        int n = ccm.processBytes(in, 0, in.length, out, 0);
        try {
            ccm.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new BleSecurityException(BleSecurityException.Reason.MIC_FAILURE,
                    "MIC failure on a packet " + (fromCentral ? "from the central" : "from the peripheral"));
        }
        return out;
    }

    /** The CCM nonce: counter (39 bits, least significant octet first), direction bit, then the IV. */
    static byte[] nonce(long counter, boolean fromCentral, byte[] iv) {
        byte[] nonce = new byte[13];
        for (int i = 0; i < 4; i++) {
            nonce[i] = (byte) (counter >>> (8 * i));
        }
        nonce[4] = (byte) (((counter >>> 32) & 0x7F) | (fromCentral ? 0x80 : 0));
        System.arraycopy(iv, 0, nonce, 5, 8);
        return nonce;
    }

    @Override
    public String toString() {
        return "LinkCipher[" + role + ", tx " + txCounter + ", rx " + rxCounter + ", key redacted]";
    }
}
