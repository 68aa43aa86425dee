package org.trusthub.binding.bluetooth.internal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

import org.trusthub.security.link.ble.BleAddress;
import org.trusthub.security.link.ble.BleLinkSecurity;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.BleSecurityException.Reason;
import org.trusthub.security.link.ble.DataPdu;
import org.trusthub.security.link.ble.L2capFrame;
import org.trusthub.security.link.ble.LeCrypto;
import org.trusthub.security.link.ble.LinkCipher;
import org.trusthub.security.link.ble.P256;
import org.trusthub.security.link.ble.SmpPdu;
import org.trusthub.security.link.ble.SmpPdu.Code;

/**
 * The central's side of pairing (Vol 3 Part H 2.3): LE Secure Connections Just Works (P-256 ECDH, confirm Cb =
 * f4(PKb, PKa, Nb, 0), f5 for MacKey and LTK, DHKey checks with f6), then encryption with the new LTK and the
 * peripheral's identity key distribution (IRK and identity address). A peer without Secure Connections is refused
 * unless legacy pairing is allowed, in which case legacy Just Works (c1, s1; TK 0) runs instead.
 */
final class SmpInitiator {

    /** IO capability NoInputNoOutput: the hub has no display or keyboard for pairing. */
    static final int IO_NO_INPUT_NO_OUTPUT = 0x03;

    private final CentralLink link;
    private final BleAddress local;
    private final BleLinkSecurity provider;
    private final SecureRandom random;

    SmpInitiator(CentralLink link, BleAddress local, BleLinkSecurity provider, SecureRandom random) {
        this.link = link;
        this.local = local;
        this.provider = provider;
        this.random = random;
    }

    PairingResult pair(boolean allowLegacy) {
        SmpPdu preq = SmpPdu.pairing(Code.PAIRING_REQUEST, IO_NO_INPUT_NO_OUTPUT,
                SmpPdu.AUTH_BONDING | SmpPdu.AUTH_SC, 16, 0, SmpPdu.DIST_ID_KEY | SmpPdu.DIST_ENC_KEY);
        SmpPdu pres = one(send(preq), Code.PAIRING_RESPONSE);
        if (pres.maxKeySize() != 16) {
            fail(SmpPdu.FAIL_AUTH_REQUIREMENTS, Reason.PAIRING_FAILED,
                    "the peripheral offers a " + pres.maxKeySize() + "-octet key; the hub requires 16");
        }
        if ((pres.authReq() & SmpPdu.AUTH_SC) == 0) {
            if (!allowLegacy) {
                fail(SmpPdu.FAIL_AUTH_REQUIREMENTS, Reason.LEGACY_REFUSED,
                        "the peripheral supports only legacy pairing (no LE Secure Connections); "
                                + "refused because allowLegacyPairing is false");
            }
            return legacy(preq, pres);
        }
        return secureConnections(preq, pres);
    }

    private PairingResult secureConnections(SmpPdu preq, SmpPdu pres) {
        P256.KeyPair keys = P256.generate(random);
        try {
            List<SmpPdu> replies = send(SmpPdu.publicKey(keys.publicKey()));
            SmpPdu pkb = find(replies, Code.PAIRING_PUBLIC_KEY);
            SmpPdu cb = find(replies, Code.PAIRING_CONFIRM);
            P256.PublicKey peer = pkb.publicKey();
            if (peer.equals(keys.publicKey())) {
                fail(SmpPdu.FAIL_INVALID_PARAMETERS, Reason.PAIRING_FAILED,
                        "the peripheral reflected the hub's own public key");
            }
            byte[] dhKey;
            try {
                dhKey = keys.dhKey(peer);
            } catch (BleSecurityException e) {
                fail(SmpPdu.FAIL_INVALID_PARAMETERS, Reason.PAIRING_FAILED, e.getMessage());
                return null;
            }
            byte[] na = new byte[16];
            random.nextBytes(na);
            SmpPdu nbPdu = one(send(SmpPdu.ofValue(Code.PAIRING_RANDOM, na)), Code.PAIRING_RANDOM);
            byte[] nb = nbPdu.value();
            byte[] expectedCb = LeCrypto.f4(peer.x(), keys.publicKey().x(), nb, 0);
            if (!MessageDigest.isEqual(expectedCb, cb.value())) {
                fail(SmpPdu.FAIL_CONFIRM_VALUE, Reason.PAIRING_FAILED,
                        "the peripheral's confirm value does not match its random value");
            }
            byte[] a = local.withType();
            byte[] b = link.air().peer().withType();
            LeCrypto.F5 f5 = LeCrypto.f5(dhKey, na, nb, a, b);
            Arrays.fill(dhKey, (byte) 0);
            byte[] ioCapA = { (byte) preq.authReq(), 0, IO_NO_INPUT_NO_OUTPUT };
            byte[] ioCapB = { (byte) pres.authReq(), 0, (byte) pres.ioCapability() };
            byte[] ea = LeCrypto.f6(f5.macKey(), na, nb, new byte[16], ioCapA, a, b);
            SmpPdu ebPdu = one(send(SmpPdu.ofValue(Code.PAIRING_DHKEY_CHECK, ea)), Code.PAIRING_DHKEY_CHECK);
            byte[] eb = LeCrypto.f6(f5.macKey(), nb, na, new byte[16], ioCapB, b, a);
            Arrays.fill(f5.macKey(), (byte) 0);
            if (!MessageDigest.isEqual(eb, ebPdu.value())) {
                Arrays.fill(f5.ltk(), (byte) 0);
                throw new BleSecurityException(Reason.PAIRING_FAILED, "the peripheral's DHKey check failed");
            }
            byte[] ltk = f5.ltk();
            return distribute(ltk, new byte[8], 0, true);
        } finally {
            keys.destroy();
        }
    }

    private PairingResult legacy(SmpPdu preq, SmpPdu pres) {
        byte[] tk = new byte[16];
        byte[] mrand = new byte[16];
        random.nextBytes(mrand);
        BleAddress peer = link.air().peer();
        byte[] preqV = LeCrypto.reverse(preq.encode());
        byte[] presV = LeCrypto.reverse(pres.encode());
        byte[] mconfirm = LeCrypto.c1(tk, mrand, preqV, presV, local.random() ? 1 : 0, peer.random() ? 1 : 0,
                local.octets(), peer.octets());
        SmpPdu sconfirm = one(send(SmpPdu.ofValue(Code.PAIRING_CONFIRM, mconfirm)), Code.PAIRING_CONFIRM);
        SmpPdu srand = one(send(SmpPdu.ofValue(Code.PAIRING_RANDOM, mrand)), Code.PAIRING_RANDOM);
        byte[] expected = LeCrypto.c1(tk, srand.value(), preqV, presV, local.random() ? 1 : 0,
                peer.random() ? 1 : 0, local.octets(), peer.octets());
        if (!MessageDigest.isEqual(expected, sconfirm.value())) {
            fail(SmpPdu.FAIL_CONFIRM_VALUE, Reason.PAIRING_FAILED, "the peripheral's confirm value does not match");
        }
        byte[] stk = LeCrypto.s1(tk, srand.value(), mrand);
        try {
            return distribute(stk, new byte[8], 0, false);
        } finally {
            Arrays.fill(stk, (byte) 0);
        }
    }

    /**
     * Encrypts with the pairing key and collects what the peripheral distributes: with Secure Connections the LTK is
     * the pairing key; with legacy pairing the peripheral sends one (Encryption Information).
     */
    private PairingResult distribute(byte[] key, byte[] rand, int ediv, boolean sc) {
        List<DataPdu> keyPdus = link.startEncryption(
                start -> provider.openForPairing(key, LinkCipher.Role.CENTRAL, start), rand, ediv);
        byte[] ltk = sc ? key : null;
        byte[] irk = null;
        BleAddress identity = null;
        for (DataPdu pdu : keyPdus) {
            SmpPdu smp = SmpPdu.parse(L2capFrame.parse(pdu.payload()).payload());
            switch (smp.code()) {
                case ENCRYPTION_INFORMATION -> ltk = sc ? ltk : smp.value();
                case IDENTITY_INFORMATION -> irk = smp.value();
                case IDENTITY_ADDRESS_INFORMATION -> {
                    byte[] p = smp.params();
                    identity = new BleAddress(LeCrypto.reverse(Arrays.copyOfRange(p, 1, 7)), p[0] == 1);
                }
                default -> { }
            }
        }
        if (ltk == null) {
            throw new BleSecurityException(Reason.PAIRING_FAILED, "the peripheral distributed no long term key");
        }
        if (identity == null) {
            identity = link.air().peer();
        }
        return new PairingResult(ltk, irk, identity, sc);
    }

    private List<SmpPdu> send(SmpPdu pdu) {
        return link.request(L2capFrame.CID_SMP, pdu.encode()).stream()
                .filter(f -> f.cid() == L2capFrame.CID_SMP).map(f -> SmpPdu.parse(f.payload())).toList();
    }

    private SmpPdu one(List<SmpPdu> replies, Code expected) {
        return find(replies, expected);
    }

    private SmpPdu find(List<SmpPdu> replies, Code expected) {
        for (SmpPdu p : replies) {
            if (p.code() == Code.PAIRING_FAILED) {
                throw new BleSecurityException(Reason.PAIRING_FAILED,
                        "the peripheral ended pairing (reason 0x" + Integer.toHexString(p.params()[0] & 0xFF) + ")");
            }
            if (p.code() == expected) {
                return p;
            }
        }
        throw new BleSecurityException(Reason.PAIRING_FAILED, "the peripheral did not send " + expected);
    }

    private void fail(int smpReason, Reason reason, String message) {
        try {
            link.request(L2capFrame.CID_SMP, SmpPdu.failed(smpReason).encode());
        } catch (RuntimeException ignored) {
            // the refusal stands whether or not the peer heard it
        }
        throw new BleSecurityException(reason, message);
    }
}
