package org.trusthub.security.link.ble;

import java.util.Arrays;

/**
 * The link-layer control PDUs of the encryption procedure (Vol 6 Part B 2.4.2): an opcode and parameters of the
 * exact length the opcode requires. Other opcodes are refused as unsupported.
 */
public record LlControlPdu(Opcode opcode, byte[] params) {

    /** The supported opcodes and their parameter lengths. */
    public enum Opcode {
        TERMINATE_IND(0x02, 1),
        ENC_REQ(0x03, 22),
        ENC_RSP(0x04, 12),
        START_ENC_REQ(0x05, 0),
        START_ENC_RSP(0x06, 0),
        PAUSE_ENC_REQ(0x0A, 0),
        PAUSE_ENC_RSP(0x0B, 0),
        REJECT_IND(0x0D, 1);

        public final int value;
        public final int paramLength;

        Opcode(int value, int paramLength) {
            this.value = value;
            this.paramLength = paramLength;
        }

        static Opcode of(int value) {
            for (Opcode o : values()) {
                if (o.value == value) {
                    return o;
                }
            }
            throw malformed("unsupported opcode 0x" + Integer.toHexString(value));
        }
    }

    /** LL_REJECT_IND error code: PIN or key missing. */
    public static final int ERROR_KEY_MISSING = 0x06;

    public LlControlPdu {
        if (opcode == null || params == null || params.length != opcode.paramLength) {
            throw malformed(opcode + " takes " + (opcode == null ? "?" : opcode.paramLength)
                    + " parameter octets, got " + (params == null ? 0 : params.length));
        }
        params = params.clone();
    }

    public static LlControlPdu parse(byte[] payload) {
        if (payload == null || payload.length < 1) {
            throw malformed("empty control PDU");
        }
        Opcode op = Opcode.of(payload[0] & 0xFF);
        if (payload.length - 1 != op.paramLength) {
            throw malformed(op + " takes " + op.paramLength + " parameter octets, got " + (payload.length - 1));
        }
        return new LlControlPdu(op, Arrays.copyOfRange(payload, 1, payload.length));
    }

    public static LlControlPdu of(Opcode opcode) {
        return new LlControlPdu(opcode, new byte[0]);
    }

    /** LL_ENC_REQ: Rand, EDIV, SKDm, IVm; every value given in specification notation. */
    public static LlControlPdu encReq(byte[] rand, int ediv, byte[] skdm, byte[] ivm) {
        byte[] p = new byte[22];
        System.arraycopy(LeCrypto.reverse(rand), 0, p, 0, 8);
        p[8] = (byte) ediv;
        p[9] = (byte) (ediv >>> 8);
        System.arraycopy(LeCrypto.reverse(skdm), 0, p, 10, 8);
        System.arraycopy(LeCrypto.reverse(ivm), 0, p, 18, 4);
        return new LlControlPdu(Opcode.ENC_REQ, p);
    }

    /** LL_ENC_RSP: SKDs, IVs in specification notation. */
    public static LlControlPdu encRsp(byte[] skds, byte[] ivs) {
        byte[] p = new byte[12];
        System.arraycopy(LeCrypto.reverse(skds), 0, p, 0, 8);
        System.arraycopy(LeCrypto.reverse(ivs), 0, p, 8, 4);
        return new LlControlPdu(Opcode.ENC_RSP, p);
    }

    public static LlControlPdu reject(int error) {
        return new LlControlPdu(Opcode.REJECT_IND, new byte[] { (byte) error });
    }

    /** A field of the parameters in specification notation. */
    public byte[] field(int offset, int length) {
        return LeCrypto.reverse(Arrays.copyOfRange(params, offset, offset + length));
    }

    public byte[] encode() {
        byte[] out = new byte[params.length + 1];
        out[0] = (byte) opcode.value;
        System.arraycopy(params, 0, out, 1, params.length);
        return out;
    }

    @Override
    public byte[] params() {
        return params.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LlControlPdu p && p.opcode == opcode && Arrays.equals(p.params, params);
    }

    @Override
    public int hashCode() {
        return opcode.hashCode() * 31 + Arrays.hashCode(params);
    }

    @Override
    public String toString() {
        return "LlControlPdu[" + opcode + "]";
    }

    private static BleSecurityException malformed(String what) {
        return new BleSecurityException(BleSecurityException.Reason.MALFORMED, "malformed LL control PDU: " + what);
    }
}
