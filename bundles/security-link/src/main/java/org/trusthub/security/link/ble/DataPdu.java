package org.trusthub.security.link.ble;

import java.util.Arrays;

/**
 * A link-layer data channel PDU (Vol 6 Part B 2.4): a two-octet header (LLID, NESN, SN, MD, CP; length) and the
 * payload. Constant Tone Extensions (CP set) are not supported and refused.
 */
public record DataPdu(int llid, boolean nesn, boolean sn, boolean md, byte[] payload) {

    /** LLID of a continuation fragment of an L2CAP message, or an empty PDU. */
    public static final int LLID_CONTINUATION = 1;
    /** LLID of the start of an L2CAP message (or a complete one). */
    public static final int LLID_START = 2;
    /** LLID of a link-layer control PDU. */
    public static final int LLID_CONTROL = 3;
    /** Longest payload of an unencrypted PDU, and of an encrypted PDU's plaintext. */
    public static final int MAX_PAYLOAD = 251;
    /** Octets of the message integrity check. */
    public static final int MIC_LENGTH = 4;

    public DataPdu {
        if (llid < 1 || llid > 3) {
            throw malformed("LLID " + llid + " is reserved");
        }
        if (payload == null || payload.length > MAX_PAYLOAD + MIC_LENGTH) {
            throw malformed("payload length out of range");
        }
        payload = payload.clone();
    }

    /** A PDU with the acknowledgement bits clear. */
    public static DataPdu of(int llid, byte[] payload) {
        return new DataPdu(llid, false, false, false, payload);
    }

    /** Parses a PDU; the length octet must match the octets that follow. */
    public static DataPdu parse(byte[] pdu) {
        if (pdu == null || pdu.length < 2) {
            throw malformed("a data PDU has a two-octet header; got " + (pdu == null ? 0 : pdu.length) + " octets");
        }
        int h = pdu[0] & 0xFF;
        if ((h & 0x20) != 0) {
            throw malformed("Constant Tone Extension info (CP) is not supported");
        }
        if ((h & 0xC0) != 0) {
            throw malformed("reserved header bits are set");
        }
        int length = pdu[1] & 0xFF;
        if (length != pdu.length - 2) {
            throw malformed("length field says " + length + " octets, " + (pdu.length - 2) + " follow");
        }
        return new DataPdu(h & 0x03, (h & 0x04) != 0, (h & 0x08) != 0, (h & 0x10) != 0,
                Arrays.copyOfRange(pdu, 2, pdu.length));
    }

    /** The first header octet. */
    public int header0() {
        return llid | (nesn ? 0x04 : 0) | (sn ? 0x08 : 0) | (md ? 0x10 : 0);
    }

    public byte[] encode() {
        byte[] out = new byte[payload.length + 2];
        out[0] = (byte) header0();
        out[1] = (byte) payload.length;
        System.arraycopy(payload, 0, out, 2, payload.length);
        return out;
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public int length() {
        return payload.length;
    }

    DataPdu withPayload(byte[] newPayload) {
        return new DataPdu(llid, nesn, sn, md, newPayload);
    }

    DataPdu withSn(boolean newSn) {
        return new DataPdu(llid, nesn, newSn, md, payload);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataPdu d && d.header0() == header0() && Arrays.equals(d.payload, payload);
    }

    @Override
    public int hashCode() {
        return header0() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "DataPdu[llid=" + llid + ", sn=" + (sn ? 1 : 0) + ", nesn=" + (nesn ? 1 : 0) + ", " + payload.length
                + " octets]";
    }

    static BleSecurityException malformed(String what) {
        return new BleSecurityException(BleSecurityException.Reason.MALFORMED, "malformed data PDU: " + what);
    }
}
