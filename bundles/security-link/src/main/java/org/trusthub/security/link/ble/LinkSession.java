package org.trusthub.security.link.ble;

/**
 * One encrypted connection: the {@link LinkCipher} plus the link layer's sequence numbers, so a repeated packet
 * (the sequence number already seen) is refused before it reaches the cipher, and an older packet replayed later
 * fails its MIC because the packet counter has moved on. Closed sessions refuse everything.
 */
public final class LinkSession {

    /** Told of every refusal, for counting and logging. */
    @FunctionalInterface
    public interface RefusalListener {
        void refused(BleSecurityException.Reason reason);
    }

    private final LinkCipher cipher;
    private final RefusalListener listener;
    private final boolean reports;
    private final String id;
    private final boolean legacy;
    private boolean txSn;
    private boolean rxSn;
    private volatile boolean closed;

    public LinkSession(LinkCipher cipher, RefusalListener listener) {
        this(cipher, listener, "");
    }

    /**
     * @param listener told of each refusal (the provider counts them), or null
     * @param id       what the security status calls this session; never anything of the key
     */
    public LinkSession(LinkCipher cipher, RefusalListener listener, String id) {
        this(cipher, listener, id, false);
    }

    /**
     * @param listener told of each refusal (the provider counts them), or null
     * @param id       what the security status calls this session; never anything of the key
     * @param legacy   whether the LTK comes from a legacy pairing (see {@link BleLinkSecurity#authenticated})
     */
    public LinkSession(LinkCipher cipher, RefusalListener listener, String id, boolean legacy) {
        this.legacy = legacy;
        this.cipher = cipher;
        this.reports = listener != null;
        this.listener = listener == null ? r -> { } : listener;
        this.id = java.util.Objects.requireNonNull(id, "id");
    }

    /** Whether the link is keyed by a legacy bond: it then claims no protection. */
    public boolean legacy() {
        return legacy;
    }

    /** The session's id as the security status shows it; empty when none was given. */
    public String id() {
        return id;
    }

    /** Seals a payload into an encoded data PDU ready for the air. */
    public synchronized byte[] send(int llid, byte[] payload) {
        checkOpen();
        try {
            DataPdu sealed = cipher.seal(DataPdu.of(llid, payload).withSn(txSn));
            txSn = !txSn;
            return sealed.encode();
        } catch (BleSecurityException e) {
            listener.refused(e.reason());
            throw reports ? e.reported() : e;
        }
    }

    /** Parses, checks and decrypts an encoded data PDU from the air. */
    public synchronized DataPdu receive(byte[] encoded) {
        try {
            checkOpen();
            DataPdu pdu = DataPdu.parse(encoded);
            if (pdu.sn() != rxSn) {
                throw new BleSecurityException(BleSecurityException.Reason.REPLAY,
                        "repeated packet (sequence number already received); discarded");
            }
            DataPdu plain = cipher.open(pdu);
            rxSn = !rxSn;
            return plain;
        } catch (BleSecurityException e) {
            listener.refused(e.reason());
            throw reports ? e.reported() : e;
        }
    }

    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    public synchronized long txCounter() {
        return cipher.txCounter();
    }

    public synchronized long rxCounter() {
        return cipher.rxCounter();
    }

    private void checkOpen() {
        if (closed) {
            throw new BleSecurityException(BleSecurityException.Reason.CLOSED,
                    "the link session is closed (bond removed or thing no longer operational)");
        }
    }

    @Override
    public String toString() {
        return "LinkSession[" + cipher + (closed ? ", closed" : "") + "]";
    }
}
