package org.trusthub.binding.bluetooth.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import org.trusthub.binding.bluetooth.spi.AirLink;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.DataPdu;
import org.trusthub.security.link.ble.EncryptionStart;
import org.trusthub.security.link.ble.L2capFrame;
import org.trusthub.security.link.ble.LlControlPdu;
import org.trusthub.security.link.ble.LinkSession;

/**
 * The hub's end of one connection: plain until the encryption start, then every PDU goes through the provider's
 * {@link LinkSession}. What the peer sends that fails a check is refused and dropped; nothing of it is acted on.
 */
final class CentralLink implements AutoCloseable {

    private final AirLink air;
    private final SecureRandom random;
    private LinkSession session;

    CentralLink(AirLink air, SecureRandom random) {
        this.air = air;
        this.random = random;
    }

    AirLink air() {
        return air;
    }

    /** The encrypted session; only once {@link #isEncrypted()}. */
    synchronized LinkSession session() {
        if (session == null) {
            throw new IllegalStateException("the link is not encrypted");
        }
        return session;
    }

    boolean isEncrypted() {
        return session != null && !session.isClosed();
    }

    /** Sends an L2CAP frame and returns the frames that came back (control PDUs handled by the caller). */
    List<L2capFrame> request(int cid, byte[] payload) {
        List<L2capFrame> frames = new ArrayList<>();
        for (DataPdu pdu : send(DataPdu.LLID_START, new L2capFrame(cid, payload).encode())) {
            if (pdu.llid() == DataPdu.LLID_START) {
                frames.add(L2capFrame.parse(pdu.payload()));
            }
        }
        return frames;
    }

    synchronized List<DataPdu> send(int llid, byte[] payload) {
        if (!air.isOpen()) {
            throw new BleSecurityException(BleSecurityException.Reason.CLOSED, "the connection is closed");
        }
        byte[] out = session == null ? DataPdu.of(llid, payload).encode() : session.send(llid, payload);
        List<DataPdu> in = new ArrayList<>();
        for (byte[] raw : air.exchange(out)) {
            in.add(receive(raw));
        }
        return in;
    }

    private DataPdu receive(byte[] raw) {
        return session == null ? DataPdu.parse(raw) : session.receive(raw);
    }

    /** Where notifications go; a PDU that fails decryption is dropped (and counted by the provider). */
    void onUnsolicited(Consumer<L2capFrame> sink, Consumer<BleSecurityException> refused) {
        air.onUnsolicited(raw -> {
            try {
                DataPdu pdu;
                synchronized (this) {
                    pdu = receive(raw);
                }
                if (pdu.llid() == DataPdu.LLID_START) {
                    sink.accept(L2capFrame.parse(pdu.payload()));
                }
            } catch (BleSecurityException e) {
                refused.accept(e);
            }
        });
    }

    /**
     * The encryption start procedure as central: LL_ENC_REQ with fresh SKDm and IVm, LL_ENC_RSP and
     * LL_START_ENC_REQ back, then LL_START_ENC_RSP each way, encrypted.
     *
     * @param opener makes the session from the exchanged values (with the bonded LTK, or the one pairing agreed)
     * @return PDUs the peripheral sent right after the encryption started (key distribution)
     */
    synchronized List<DataPdu> startEncryption(Function<EncryptionStart, LinkSession> opener, byte[] rand, int ediv) {
        byte[] skdm = new byte[8];
        byte[] ivm = new byte[4];
        random.nextBytes(skdm);
        random.nextBytes(ivm);
        List<DataPdu> replies = send(DataPdu.LLID_CONTROL, LlControlPdu.encReq(rand, ediv, skdm, ivm).encode());
        LlControlPdu rsp = null;
        boolean startReq = false;
        for (DataPdu pdu : replies) {
            if (pdu.llid() != DataPdu.LLID_CONTROL) {
                continue;
            }
            LlControlPdu c = LlControlPdu.parse(pdu.payload());
            if (c.opcode() == LlControlPdu.Opcode.REJECT_IND) {
                throw new BleSecurityException(BleSecurityException.Reason.UNKNOWN_KEY,
                        "the peripheral rejected encryption: it has no key for this hub");
            }
            if (c.opcode() == LlControlPdu.Opcode.ENC_RSP) {
                rsp = c;
            } else if (c.opcode() == LlControlPdu.Opcode.START_ENC_REQ) {
                startReq = true;
            }
        }
        if (rsp == null || !startReq) {
            throw new BleSecurityException(BleSecurityException.Reason.MALFORMED,
                    "the peripheral did not answer the encryption request");
        }
        EncryptionStart start = EncryptionStart.of(LlControlPdu.encReq(rand, ediv, skdm, ivm), rsp);
        session = opener.apply(start);
        List<DataPdu> after = send(DataPdu.LLID_CONTROL, LlControlPdu.of(LlControlPdu.Opcode.START_ENC_RSP).encode());
        if (after.isEmpty() || after.get(0).llid() != DataPdu.LLID_CONTROL || LlControlPdu.parse(after.get(0)
                .payload()).opcode() != LlControlPdu.Opcode.START_ENC_RSP) {
            session.close();
            session = null;
            throw new BleSecurityException(BleSecurityException.Reason.PAIRING_FAILED,
                    "the peripheral did not confirm the encryption start");
        }
        return after.subList(1, after.size());
    }

    @Override
    public synchronized void close() {
        if (session != null) {
            session.close();
        }
        air.close();
    }
}
