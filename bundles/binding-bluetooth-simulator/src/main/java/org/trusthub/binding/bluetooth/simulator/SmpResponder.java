package org.trusthub.binding.bluetooth.simulator;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

import org.trusthub.security.link.ble.BleAddress;
import org.trusthub.security.link.ble.LeCrypto;
import org.trusthub.security.link.ble.P256;
import org.trusthub.security.link.ble.SmpPdu;
import org.trusthub.security.link.ble.SmpPdu.Code;

/**
 * The simulated peripheral's side of pairing: LE Secure Connections Just Works, or legacy Just Works for a
 * peripheral built without Secure Connections. Its device firmware, so to speak: it answers each SMP PDU with the
 * PDUs the specification prescribes and remembers the key pairing agreed.
 */
final class SmpResponder {

    private static final int IO_NO_INPUT_NO_OUTPUT = 0x03;

    private final boolean secureConnections;
    private final BleAddress own;
    private final BleAddress central;
    private final SecureRandom random;
    private SmpPdu preq;
    private SmpPdu pres;
    private P256.KeyPair keys;
    private P256.PublicKey peerKey;
    private byte[] nb;
    private byte[] na;
    private byte[] mconfirm;
    private byte[] srand;
    private byte[] pairingKey;
    private boolean failed;

    SmpResponder(boolean secureConnections, BleAddress own, BleAddress central, SecureRandom random) {
        this.secureConnections = secureConnections;
        this.own = own;
        this.central = central;
        this.random = random;
    }

    /** The key encryption starts with once pairing succeeded (LTK with Secure Connections, STK with legacy). */
    byte[] pairingKey() {
        return pairingKey;
    }

    boolean isSecureConnections() {
        return secureConnections;
    }

    List<SmpPdu> onPdu(SmpPdu pdu) {
        if (failed) {
            return List.of();
        }
        switch (pdu.code()) {
            case PAIRING_REQUEST: {
                preq = pdu;
                int auth = SmpPdu.AUTH_BONDING | (secureConnections ? SmpPdu.AUTH_SC : 0);
                pres = SmpPdu.pairing(Code.PAIRING_RESPONSE, IO_NO_INPUT_NO_OUTPUT, auth, 16, 0,
                        SmpPdu.DIST_ID_KEY | (secureConnections ? 0 : SmpPdu.DIST_ENC_KEY));
                return List.of(pres);
            }
            case PAIRING_PUBLIC_KEY: {
                if (!secureConnections || preq == null) {
                    return fail(SmpPdu.FAIL_PAIRING_NOT_SUPPORTED);
                }
                peerKey = pdu.publicKey();
                keys = P256.generate(random);
                nb = new byte[16];
                random.nextBytes(nb);
                byte[] cb = LeCrypto.f4(keys.publicKey().x(), peerKey.x(), nb, 0);
                return List.of(SmpPdu.publicKey(keys.publicKey()), SmpPdu.ofValue(Code.PAIRING_CONFIRM, cb));
            }
            case PAIRING_CONFIRM: {
                if (secureConnections || preq == null) {
                    return fail(SmpPdu.FAIL_PAIRING_NOT_SUPPORTED);
                }
                mconfirm = pdu.value();
                srand = new byte[16];
                random.nextBytes(srand);
                return List.of(SmpPdu.ofValue(Code.PAIRING_CONFIRM, c1(srand)));
            }
            case PAIRING_RANDOM: {
                if (secureConnections) {
                    if (keys == null) {
                        return fail(SmpPdu.FAIL_INVALID_PARAMETERS);
                    }
                    na = pdu.value();
                    return List.of(SmpPdu.ofValue(Code.PAIRING_RANDOM, nb));
                }
                if (mconfirm == null) {
                    return fail(SmpPdu.FAIL_INVALID_PARAMETERS);
                }
                byte[] mrand = pdu.value();
                if (!MessageDigest.isEqual(mconfirm, c1(mrand))) {
                    return fail(SmpPdu.FAIL_CONFIRM_VALUE);
                }
                pairingKey = LeCrypto.s1(new byte[16], srand, mrand);
                return List.of(SmpPdu.ofValue(Code.PAIRING_RANDOM, srand));
            }
            case PAIRING_DHKEY_CHECK: {
                if (!secureConnections || na == null) {
                    return fail(SmpPdu.FAIL_INVALID_PARAMETERS);
                }
                byte[] dhKey;
                try {
                    dhKey = keys.dhKey(peerKey);
                } catch (RuntimeException e) {
                    return fail(SmpPdu.FAIL_DHKEY_CHECK);
                }
                byte[] a = central.withType();
                byte[] b = own.withType();
                LeCrypto.F5 f5 = LeCrypto.f5(dhKey, na, nb, a, b);
                byte[] ioCapA = { (byte) preq.authReq(), 0, (byte) preq.ioCapability() };
                byte[] ioCapB = { (byte) pres.authReq(), 0, (byte) IO_NO_INPUT_NO_OUTPUT };
                byte[] ea = LeCrypto.f6(f5.macKey(), na, nb, new byte[16], ioCapA, a, b);
                if (!MessageDigest.isEqual(ea, pdu.value())) {
                    return fail(SmpPdu.FAIL_DHKEY_CHECK);
                }
                byte[] eb = LeCrypto.f6(f5.macKey(), nb, na, new byte[16], ioCapB, b, a);
                pairingKey = f5.ltk();
                keys.destroy();
                return List.of(SmpPdu.ofValue(Code.PAIRING_DHKEY_CHECK, eb));
            }
            case PAIRING_FAILED:
                failed = true;
                return List.of();
            default:
                return fail(SmpPdu.FAIL_PAIRING_NOT_SUPPORTED);
        }
    }

    private byte[] c1(byte[] r) {
        return LeCrypto.c1(new byte[16], r, LeCrypto.reverse(preq.encode()), LeCrypto.reverse(pres.encode()),
                central.random() ? 1 : 0, own.random() ? 1 : 0, central.octets(), own.octets());
    }

    private List<SmpPdu> fail(int reason) {
        failed = true;
        if (pairingKey != null) {
            Arrays.fill(pairingKey, (byte) 0);
            pairingKey = null;
        }
        return List.of(SmpPdu.failed(reason));
    }
}
