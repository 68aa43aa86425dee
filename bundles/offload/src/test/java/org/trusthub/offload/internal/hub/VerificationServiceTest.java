package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.wire.OpCounts;
import org.trusthub.offload.device.Verdict;

class VerificationServiceTest {
    static final byte[] FIRMWARE = "firmware image 1.2.3".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    Fixture f;
    Pki pki;
    ConstrainedDevice device;
    KeyPair signerKeys;
    X509Certificate signer;
    byte[] signature;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        pki = new Pki(f.clock.instant());
        f.keystore.addTrustAnchor("test-ca", pki.ca, Set.of(TrustPurpose.FIRMWARE));
        f.hub.revocationLists(List.of(pki.crl()));
        device = f.operational("lock-1");
        signerKeys = Pki.ec();
        signer = pki.leaf("vendor firmware signer", signerKeys);
        signature = Pki.sign(signerKeys.getPrivate(), "SHA256withECDSA", FIRMWARE);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private Verdict ask(String alg, byte[] data, byte[] sig, List<X509Certificate> chain) {
        return device.acceptVerdict(f.hub.verify(device.requestVerification(alg, data, sig, chain)));
    }

    @Test
    void aGoodSignatureGetsAValidVerdictAndTheDeviceDoesNoPublicKeyOperation() {
        OpCounts before = device.counter().snapshot();
        Verdict v = ask("SHA256withECDSA", FIRMWARE, signature, List.of(signer));
        OpCounts used = device.counter().snapshot().minus(before);
        assertTrue(v.valid(), v.reason());
        assertEquals("CN=vendor firmware signer", v.subject());
        assertEquals(0, used.publicKey());
        assertEquals(2, used.symmetric()); // MAC of the request, MAC check of the verdict
        assertEquals(1, used.hash()); // digest of its own request, to match the verdict
        assertEquals(1L, f.hub.issued().get("verdict-valid"));
    }

    @Test
    void theSameCheckAloneCostsTheDevicePublicKeyOperations() throws Exception {
        OpCounts before = device.counter().snapshot();
        Verdict v = device.verifyAlone("SHA256withECDSA", FIRMWARE, signature, List.of(signer),
                Set.of(new TrustAnchor(pki.ca, null)), List.of(pki.crl()), Set.of("SHA256withECDSA"));
        assertTrue(v.valid(), v.reason());
        assertEquals(3, device.counter().snapshot().minus(before).publicKey()); // certificate, CRL, signature
    }

    @Test
    void aTamperedSignatureIsAnInvalidVerdictNotARefusal() {
        byte[] other = "firmware image 6.6.6".getBytes(StandardCharsets.UTF_8);
        Verdict v = ask("SHA256withECDSA", other, signature, List.of(signer));
        assertFalse(v.valid());
        assertEquals("signature does not verify", v.reason());
    }

    @Test
    void aRevokedSignerIsInvalid() throws Exception {
        f.hub.revocationLists(List.of(pki.crl(signer)));
        Verdict v = ask("SHA256withECDSA", FIRMWARE, signature, List.of(signer));
        assertFalse(v.valid());
        assertTrue(v.reason().contains("Certificate revocation"), v.reason());
    }

    @Test
    void withoutARevocationListTheChainIsNotTrusted() {
        f.hub.revocationLists(List.of());
        Verdict v = ask("SHA256withECDSA", FIRMWARE, signature, List.of(signer));
        assertFalse(v.valid(), v.reason());
    }

    @Test
    void anExpiredSignerIsInvalid() throws Exception {
        X509Certificate old = pki.leaf("old signer", signerKeys, f.clock.instant().minusSeconds(7200),
                f.clock.instant().minusSeconds(3600), "SHA256withECDSA");
        Verdict v = ask("SHA256withECDSA", FIRMWARE, signature, List.of(old));
        assertFalse(v.valid());
        assertTrue(v.reason().contains("certificate path invalid"), v.reason());
    }

    @Test
    void anAlgorithmOffTheAllowListIsInvalid() throws Exception {
        byte[] sha1 = Pki.sign(signerKeys.getPrivate(), "SHA1withECDSA", FIRMWARE);
        Verdict v = ask("SHA1withECDSA", FIRMWARE, sha1, List.of(signer));
        assertFalse(v.valid());
        assertTrue(v.reason().contains("not allowed"), v.reason());
    }

    @Test
    void aThingsIdentityCertificateGetsNoValidVerdictOnFirmware() throws Exception {
        // a CA the hub trusts for thing identities, with its CRL at hand: only the purpose stands in the way
        Pki identities = new Pki(f.clock.instant());
        f.keystore.addTrustAnchor("things", identities.ca, Set.of(TrustPurpose.DTLS, TrustPurpose.TLS,
                TrustPurpose.WSS));
        f.hub.revocationLists(List.of(pki.crl(), identities.crl()));
        KeyPair lampKeys = Pki.ec();
        X509Certificate lamp = identities.leaf("lock-1", lampKeys, KeyPurposeId.id_kp_clientAuth,
                KeyPurposeId.id_kp_codeSigning);
        byte[] forged = Pki.sign(lampKeys.getPrivate(), "SHA256withECDSA", FIRMWARE);
        Verdict v = ask("SHA256withECDSA", FIRMWARE, forged, List.of(lamp));
        assertFalse(v.valid(), v.reason());
        assertTrue(v.reason().startsWith("certificate path invalid"), v.reason());
    }

    @Test
    void aSignerWithoutCodeSigningIsInvalidEvenFromAFirmwareAnchor() throws Exception {
        X509Certificate identity = pki.leaf("lock-1", signerKeys, KeyPurposeId.id_kp_clientAuth);
        Verdict v = ask("SHA256withECDSA", FIRMWARE, signature, List.of(identity));
        assertFalse(v.valid(), v.reason());
        assertEquals("not a code signer: certificate 'CN=lock-1' lacks extended key usage codeSigning", v.reason());
        Verdict none = ask("SHA256withECDSA", FIRMWARE, signature, List.of(pki.leaf("lock-1", signerKeys, new KeyPurposeId[0])));
        assertFalse(none.valid(), none.reason());
    }

    @Test
    void anUntrustedIssuerIsInvalid() throws Exception {
        Pki other = new Pki(f.clock.instant());
        X509Certificate stranger = other.leaf("stranger", signerKeys);
        Verdict v = ask("SHA256withECDSA", FIRMWARE, signature, List.of(stranger));
        assertFalse(v.valid());
    }

    @Test
    void aVerdictIsBoundToTheRequestItAnswers() {
        byte[] first = f.hub.verify(device.requestVerification("SHA256withECDSA", FIRMWARE, signature,
                List.of(signer)));
        assertTrue(device.acceptVerdict(first).valid());
        // A new question: the old verdict (a replay, or a hub answer to something else) is not accepted for it.
        device.requestVerification("SHA256withECDSA", "other".getBytes(StandardCharsets.UTF_8), signature,
                List.of(signer));
        OffloadException e = assertThrows(OffloadException.class, () -> device.acceptVerdict(first));
        assertEquals(Refusal.WRONG_BINDING, e.refusal());
    }

    @Test
    void aVerdictForAnotherThingDoesNotVerify() {
        ConstrainedDevice other = f.operational("lock-2");
        byte[] forOther = f.hub.verify(other.requestVerification("SHA256withECDSA", FIRMWARE, signature,
                List.of(signer)));
        device.requestVerification("SHA256withECDSA", FIRMWARE, signature, List.of(signer));
        OffloadException e = assertThrows(OffloadException.class, () -> device.acceptVerdict(forOther));
        assertEquals(Refusal.WRONG_BINDING, e.refusal());
    }

    @Test
    void aLargeImageStaysHomeTheDeviceSendsItsDigest() {
        byte[] image = new byte[64 * 1024];
        new java.security.SecureRandom().nextBytes(image);
        byte[] sig;
        try {
            sig = Pki.sign(signerKeys.getPrivate(), "SHA256withECDSA", image);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        OpCounts before = device.counter().snapshot();
        byte[] rq = device.requestVerificationOfDigest("SHA256withECDSA", image, sig, List.of(signer));
        assertTrue(rq.length < 1024, "request is " + rq.length + " bytes");
        Verdict v = device.acceptVerdict(f.hub.verify(rq));
        assertTrue(v.valid(), v.reason());
        OpCounts used = device.counter().snapshot().minus(before);
        assertEquals(0, used.publicKey());
        assertEquals(2, used.hash()); // the image's digest, the request's digest

        image[0] ^= 1;
        Verdict tampered = device.acceptVerdict(f.hub.verify(device.requestVerificationOfDigest("SHA256withECDSA",
                image, sig, List.of(signer))));
        assertFalse(tampered.valid());
        assertEquals("signature does not verify", tampered.reason());
    }
}
