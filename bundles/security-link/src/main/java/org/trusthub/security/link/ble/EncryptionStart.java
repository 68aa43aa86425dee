package org.trusthub.security.link.ble;

/**
 * What the encryption start procedure exchanges (LL_ENC_REQ and LL_ENC_RSP): the session key diversifiers and IVs
 * of the central (m) and the peripheral (s), in specification notation. Fresh random values per connection.
 */
public record EncryptionStart(byte[] skdm, byte[] ivm, byte[] skds, byte[] ivs) {

    public EncryptionStart {
        check(skdm, 8, "SKDm");
        check(ivm, 4, "IVm");
        check(skds, 8, "SKDs");
        check(ivs, 4, "IVs");
        skdm = skdm.clone();
        ivm = ivm.clone();
        skds = skds.clone();
        ivs = ivs.clone();
    }

    /** From the two control PDUs as received. */
    public static EncryptionStart of(LlControlPdu encReq, LlControlPdu encRsp) {
        if (encReq.opcode() != LlControlPdu.Opcode.ENC_REQ || encRsp.opcode() != LlControlPdu.Opcode.ENC_RSP) {
            throw new BleSecurityException(BleSecurityException.Reason.MALFORMED,
                    "encryption start needs LL_ENC_REQ and LL_ENC_RSP");
        }
        return new EncryptionStart(encReq.field(10, 8), encReq.field(18, 4), encRsp.field(0, 8),
                encRsp.field(8, 4));
    }

    /** The nonce's IV: IVm then IVs, each least significant octet first. */
    public byte[] iv() {
        byte[] iv = new byte[8];
        System.arraycopy(LeCrypto.reverse(ivm), 0, iv, 0, 4);
        System.arraycopy(LeCrypto.reverse(ivs), 0, iv, 4, 4);
        return iv;
    }

    @Override
    public byte[] skdm() {
        return skdm.clone();
    }

    @Override
    public byte[] ivm() {
        return ivm.clone();
    }

    @Override
    public byte[] skds() {
        return skds.clone();
    }

    @Override
    public byte[] ivs() {
        return ivs.clone();
    }

    @Override
    public String toString() {
        return "EncryptionStart[redacted]";
    }

    private static void check(byte[] v, int n, String name) {
        if (v == null || v.length != n) {
            throw new BleSecurityException(BleSecurityException.Reason.MALFORMED, name + " must be " + n + " octets");
        }
    }
}
