package org.trusthub.security.link.ble;

import java.util.Arrays;

/**
 * A Security Manager Protocol PDU (Vol 3 Part H 3.3): a code octet and parameters of the exact length that code
 * requires. Multi-octet values are least significant octet first, as on the air; {@link #value} turns them into the
 * specification's notation. {@link #toString()} never shows parameters: they carry keys and nonces.
 */
public record SmpPdu(Code code, byte[] params) {

    /** The SMP command codes and their parameter lengths. */
    public enum Code {
        PAIRING_REQUEST(0x01, 6),
        PAIRING_RESPONSE(0x02, 6),
        PAIRING_CONFIRM(0x03, 16),
        PAIRING_RANDOM(0x04, 16),
        PAIRING_FAILED(0x05, 1),
        ENCRYPTION_INFORMATION(0x06, 16),
        CENTRAL_IDENTIFICATION(0x07, 10),
        IDENTITY_INFORMATION(0x08, 16),
        IDENTITY_ADDRESS_INFORMATION(0x09, 7),
        SIGNING_INFORMATION(0x0A, 16),
        SECURITY_REQUEST(0x0B, 1),
        PAIRING_PUBLIC_KEY(0x0C, 64),
        PAIRING_DHKEY_CHECK(0x0D, 16),
        KEYPRESS_NOTIFICATION(0x0E, 1);

        public final int value;
        public final int paramLength;

        Code(int value, int paramLength) {
            this.value = value;
            this.paramLength = paramLength;
        }

        static Code of(int value) {
            for (Code c : values()) {
                if (c.value == value) {
                    return c;
                }
            }
            throw malformed("unknown command code 0x" + Integer.toHexString(value));
        }
    }

    /** AuthReq bit: bonding. */
    public static final int AUTH_BONDING = 0x01;
    /** AuthReq bit: MITM protection. */
    public static final int AUTH_MITM = 0x04;
    /** AuthReq bit: LE Secure Connections. */
    public static final int AUTH_SC = 0x08;
    /** Key distribution bit: LTK (legacy only). */
    public static final int DIST_ENC_KEY = 0x01;
    /** Key distribution bit: IRK and identity address. */
    public static final int DIST_ID_KEY = 0x02;
    /** Pairing Failed reason: pairing not supported. */
    public static final int FAIL_PAIRING_NOT_SUPPORTED = 0x05;
    /** Pairing Failed reason: authentication requirements. */
    public static final int FAIL_AUTH_REQUIREMENTS = 0x03;
    /** Pairing Failed reason: confirm value failed. */
    public static final int FAIL_CONFIRM_VALUE = 0x04;
    /** Pairing Failed reason: DHKey check failed. */
    public static final int FAIL_DHKEY_CHECK = 0x0B;
    /** Pairing Failed reason: invalid parameters. */
    public static final int FAIL_INVALID_PARAMETERS = 0x0A;

    public SmpPdu {
        if (code == null || params == null || params.length != code.paramLength) {
            throw malformed(code + " takes " + (code == null ? "?" : code.paramLength) + " parameter octets, got "
                    + (params == null ? 0 : params.length));
        }
        params = params.clone();
        if (code == Code.PAIRING_REQUEST || code == Code.PAIRING_RESPONSE) {
            int io = params[0] & 0xFF;
            int oob = params[1] & 0xFF;
            int keySize = params[3] & 0xFF;
            if (io > 4) {
                throw malformed("IO capability 0x" + Integer.toHexString(io) + " is reserved");
            }
            if (oob > 1) {
                throw malformed("OOB data flag 0x" + Integer.toHexString(oob) + " is reserved");
            }
            if (keySize < 7 || keySize > 16) {
                throw malformed("maximum encryption key size " + keySize + " is outside 7..16");
            }
        }
    }

    public static SmpPdu parse(byte[] pdu) {
        if (pdu == null || pdu.length < 1) {
            throw malformed("empty PDU");
        }
        Code code = Code.of(pdu[0] & 0xFF);
        if (pdu.length - 1 != code.paramLength) {
            throw malformed(code + " takes " + code.paramLength + " parameter octets, got " + (pdu.length - 1));
        }
        return new SmpPdu(code, Arrays.copyOfRange(pdu, 1, pdu.length));
    }

    public static SmpPdu of(Code code, byte[] params) {
        return new SmpPdu(code, params);
    }

    /** A PDU carrying one value given in specification notation (it goes on the air reversed). */
    public static SmpPdu ofValue(Code code, byte[] valueMsoFirst) {
        return new SmpPdu(code, LeCrypto.reverse(valueMsoFirst));
    }

    /** Pairing Request or Response parameters. */
    public static SmpPdu pairing(Code code, int ioCap, int authReq, int maxKeySize, int initKeys, int respKeys) {
        return new SmpPdu(code, new byte[] { (byte) ioCap, 0, (byte) authReq, (byte) maxKeySize, (byte) initKeys,
            (byte) respKeys });
    }

    public static SmpPdu failed(int reason) {
        return new SmpPdu(Code.PAIRING_FAILED, new byte[] { (byte) reason });
    }

    public byte[] encode() {
        byte[] out = new byte[params.length + 1];
        out[0] = (byte) code.value;
        System.arraycopy(params, 0, out, 1, params.length);
        return out;
    }

    @Override
    public byte[] params() {
        return params.clone();
    }

    /** The whole parameter field read as one value in specification notation (most significant octet first). */
    public byte[] value() {
        return LeCrypto.reverse(params);
    }

    public int authReq() {
        requirePairing();
        return params[2] & 0xFF;
    }

    public int ioCapability() {
        requirePairing();
        return params[0] & 0xFF;
    }

    public int maxKeySize() {
        requirePairing();
        return params[3] & 0xFF;
    }

    /** The P-256 public key of a Pairing Public Key PDU (X then Y, each least significant octet first on air). */
    public P256.PublicKey publicKey() {
        if (code != Code.PAIRING_PUBLIC_KEY) {
            throw new IllegalStateException("not a public key PDU");
        }
        return new P256.PublicKey(LeCrypto.reverse(Arrays.copyOfRange(params, 0, 32)),
                LeCrypto.reverse(Arrays.copyOfRange(params, 32, 64)));
    }

    public static SmpPdu publicKey(P256.PublicKey key) {
        byte[] p = new byte[64];
        System.arraycopy(LeCrypto.reverse(key.x()), 0, p, 0, 32);
        System.arraycopy(LeCrypto.reverse(key.y()), 0, p, 32, 32);
        return new SmpPdu(Code.PAIRING_PUBLIC_KEY, p);
    }

    private void requirePairing() {
        if (code != Code.PAIRING_REQUEST && code != Code.PAIRING_RESPONSE) {
            throw new IllegalStateException("not a Pairing Request or Response");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmpPdu p && p.code == code && Arrays.equals(p.params, params);
    }

    @Override
    public int hashCode() {
        return code.hashCode() * 31 + Arrays.hashCode(params);
    }

    @Override
    public String toString() {
        return "SmpPdu[" + code + ", parameters redacted]";
    }

    static BleSecurityException malformed(String what) {
        return new BleSecurityException(BleSecurityException.Reason.MALFORMED, "malformed SMP PDU: " + what);
    }
}
