package org.trusthub.security.link.ble;

import java.util.Arrays;

/**
 * An L2CAP basic frame on an LE fixed channel (Vol 3 Part A 3.1): length and channel ID, least significant octet
 * first, then the information payload. Only whole frames are accepted: the hub's links negotiate an MTU that fits.
 */
public record L2capFrame(int cid, byte[] payload) {

    /** The Attribute Protocol's fixed channel. */
    public static final int CID_ATT = 0x0004;
    /** The Security Manager Protocol's fixed channel. */
    public static final int CID_SMP = 0x0006;

    public L2capFrame {
        if (cid < 0 || cid > 0xFFFF) {
            throw new IllegalArgumentException("channel ID out of range");
        }
        if (payload == null || payload.length > DataPdu.MAX_PAYLOAD - 4) {
            throw new BleSecurityException(BleSecurityException.Reason.MALFORMED,
                    "L2CAP payload does not fit one data PDU");
        }
        payload = payload.clone();
    }

    public static L2capFrame parse(byte[] frame) {
        if (frame == null || frame.length < 4) {
            throw malformed("an L2CAP frame has a four-octet header; got " + (frame == null ? 0 : frame.length));
        }
        int length = (frame[0] & 0xFF) | (frame[1] & 0xFF) << 8;
        if (length != frame.length - 4) {
            throw malformed("length field says " + length + " octets, " + (frame.length - 4) + " follow");
        }
        int cid = (frame[2] & 0xFF) | (frame[3] & 0xFF) << 8;
        if (cid == 0) {
            throw malformed("channel ID 0 is not allowed");
        }
        return new L2capFrame(cid, Arrays.copyOfRange(frame, 4, frame.length));
    }

    public byte[] encode() {
        byte[] out = new byte[payload.length + 4];
        out[0] = (byte) payload.length;
        out[1] = (byte) (payload.length >>> 8);
        out[2] = (byte) cid;
        out[3] = (byte) (cid >>> 8);
        System.arraycopy(payload, 0, out, 4, payload.length);
        return out;
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof L2capFrame f && f.cid == cid && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return cid * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "L2capFrame[cid=0x" + Integer.toHexString(cid) + ", " + payload.length + " octets]";
    }

    private static BleSecurityException malformed(String what) {
        return new BleSecurityException(BleSecurityException.Reason.MALFORMED, "malformed L2CAP frame: " + what);
    }
}
