package org.trusthub.binding.bluetooth.spi;

import java.util.Arrays;

import org.trusthub.security.link.ble.BleSecurityException;

/**
 * The Attribute Protocol PDUs the bridge uses (Vol 3 Part F 3.4): read, write, notification and error response, each
 * checked for its exact shape. Handles are least significant octet first.
 */
public record AttPdu(int opcode, int handle, byte[] value) {

    public static final int ERROR_RSP = 0x01;
    public static final int READ_REQ = 0x0A;
    public static final int READ_RSP = 0x0B;
    public static final int WRITE_REQ = 0x12;
    public static final int WRITE_RSP = 0x13;
    public static final int NOTIFY = 0x1B;

    /** Error code: insufficient encryption. */
    public static final int ERR_INSUFFICIENT_ENCRYPTION = 0x0F;
    /** Error code: invalid handle. */
    public static final int ERR_INVALID_HANDLE = 0x01;
    /** Error code: write not permitted. */
    public static final int ERR_WRITE_NOT_PERMITTED = 0x03;
    /** Error code: invalid attribute value length. */
    public static final int ERR_INVALID_LENGTH = 0x0D;
    /** Error code: request not supported. */
    public static final int ERR_REQUEST_NOT_SUPPORTED = 0x06;

    public AttPdu {
        value = value == null ? new byte[0] : value.clone();
    }

    public static AttPdu parse(byte[] pdu) {
        if (pdu == null || pdu.length < 1) {
            throw malformed("empty PDU");
        }
        int op = pdu[0] & 0xFF;
        switch (op) {
            case READ_REQ:
                exact(pdu, 3, "Read Request");
                return new AttPdu(op, handle(pdu), null);
            case READ_RSP:
                return new AttPdu(op, 0, Arrays.copyOfRange(pdu, 1, pdu.length));
            case WRITE_REQ:
            case NOTIFY:
                if (pdu.length < 3) {
                    throw malformed("opcode 0x" + Integer.toHexString(op) + " needs a handle");
                }
                if (handle(pdu) == 0) {
                    throw malformed("handle 0x0000 is invalid");
                }
                return new AttPdu(op, handle(pdu), Arrays.copyOfRange(pdu, 3, pdu.length));
            case WRITE_RSP:
                exact(pdu, 1, "Write Response");
                return new AttPdu(op, 0, null);
            case ERROR_RSP:
                exact(pdu, 5, "Error Response");
                return new AttPdu(op, (pdu[2] & 0xFF) | (pdu[3] & 0xFF) << 8, new byte[] { pdu[1], pdu[4] });
            default:
                throw malformed("unsupported opcode 0x" + Integer.toHexString(op));
        }
    }

    public static AttPdu readRequest(int handle) {
        return new AttPdu(READ_REQ, handle, null);
    }

    public static AttPdu writeRequest(int handle, byte[] value) {
        return new AttPdu(WRITE_REQ, handle, value);
    }

    public static AttPdu error(int requestOpcode, int handle, int code) {
        return new AttPdu(ERROR_RSP, handle, new byte[] { (byte) requestOpcode, (byte) code });
    }

    public byte[] encode() {
        switch (opcode) {
            case READ_REQ:
                return new byte[] { (byte) opcode, (byte) handle, (byte) (handle >>> 8) };
            case READ_RSP: {
                byte[] out = new byte[value.length + 1];
                out[0] = (byte) opcode;
                System.arraycopy(value, 0, out, 1, value.length);
                return out;
            }
            case WRITE_REQ:
            case NOTIFY: {
                byte[] out = new byte[value.length + 3];
                out[0] = (byte) opcode;
                out[1] = (byte) handle;
                out[2] = (byte) (handle >>> 8);
                System.arraycopy(value, 0, out, 3, value.length);
                return out;
            }
            case WRITE_RSP:
                return new byte[] { (byte) opcode };
            case ERROR_RSP:
                return new byte[] { (byte) opcode, value[0], (byte) handle, (byte) (handle >>> 8), value[1] };
            default:
                throw new IllegalStateException("unsupported opcode");
        }
    }

    /** For an error response: the ATT error code. */
    public int errorCode() {
        return value[1] & 0xFF;
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttPdu a && a.opcode == opcode && a.handle == handle && Arrays.equals(a.value, value);
    }

    @Override
    public int hashCode() {
        return opcode * 31 + handle * 7 + Arrays.hashCode(value);
    }

    private static int handle(byte[] pdu) {
        return (pdu[1] & 0xFF) | (pdu[2] & 0xFF) << 8;
    }

    private static void exact(byte[] pdu, int length, String name) {
        if (pdu.length != length) {
            throw malformed(name + " is " + length + " octets, got " + pdu.length);
        }
    }

    static BleSecurityException malformed(String what) {
        return new BleSecurityException(BleSecurityException.Reason.MALFORMED, "malformed ATT PDU: " + what);
    }
}
