package org.trusthub.security.transport.dtls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.eclipse.californium.scandium.dtls.CertificateMessage;
import org.eclipse.californium.scandium.dtls.CertificateVerificationResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.TrustPurpose;

/** What the DTLS certificate verifier makes of anchored chains, called as Scandium calls it. */
class ThingCertificateVerifierTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 5684);

    @TempDir
    Path dir;
    TestHub hub;
    ThingCertificateVerifier verifier;
    KeyPair caPair;
    X509Certificate ca;

    @BeforeEach
    void start() throws Exception {
        hub = new TestHub(dir);
        verifier = new ThingCertificateVerifier(hub.keys, new PeerThings(hub.keys), new ThingGate(hub.registry), true,
                true, new DtlsRefusals());
        caPair = Certificates.ec();
        ca = Certificates.ca(caPair, "installer-ca");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    /** The refusal's message, or null when the chain was accepted. */
    private String verify(boolean clientUsage, X509Certificate... chain) {
        CertificateVerificationResult r = verifier.verifyCertificate(new org.eclipse.californium.scandium.dtls.ConnectionId(new byte[] {1}), null, PEER, clientUsage, false, false,
                new CertificateMessage(List.of(chain)));
        return r.getException() == null ? null : r.getException().getMessage();
    }

    @Test
    void aChainFromADtlsAnchorToAnEnrolledKeyIsAccepted() throws Exception {
        hub.keys.addTrustAnchor("installer-ca", ca, Set.of(TrustPurpose.DTLS));
        KeyPair pair = Certificates.ec();
        X509Certificate leaf = Certificates.leaf(caPair, "installer-ca", pair, "sensor-1",
                KeyPurposeId.id_kp_clientAuth);
        hub.certificateThing("sensor-1", leaf);
        assertNull(verify(true, leaf, ca));
        assertNull(verify(true, leaf));
    }

    @Test
    void anAnchorForOtherPurposesVouchesForNoDtlsPeer() throws Exception {
        hub.keys.addTrustAnchor("vendor", ca, Set.of(TrustPurpose.FIRMWARE, TrustPurpose.WSS, TrustPurpose.TLS));
        KeyPair pair = Certificates.ec();
        X509Certificate leaf = Certificates.leaf(caPair, "installer-ca", pair, "sensor-2",
                KeyPurposeId.id_kp_clientAuth);
        hub.certificateThing("sensor-2", leaf);
        assertEquals("certificate offered but the keystore holds no trust anchor for dtls", verify(true, leaf, ca));
    }

    @Test
    void aClientCertificateWithoutClientAuthIsRefused() throws Exception {
        hub.keys.addTrustAnchor("installer-ca", ca, Set.of(TrustPurpose.DTLS));
        KeyPair pair = Certificates.ec();
        X509Certificate codeSigning = Certificates.leaf(caPair, "installer-ca", pair, "sensor-3",
                KeyPurposeId.id_kp_codeSigning, KeyPurposeId.id_kp_serverAuth);
        hub.certificateThing("sensor-3", codeSigning);
        assertEquals("certificate 'CN=sensor-3' lacks extended key usage clientAuth", verify(true, codeSigning, ca));
        // the same certificate is fine where the peer is a server
        assertNull(verify(false, codeSigning, ca));

        KeyPair other = Certificates.ec();
        X509Certificate noEku = Certificates.leaf(caPair, "installer-ca", other, "sensor-4");
        hub.certificateThing("sensor-4", noEku);
        assertEquals("certificate 'CN=sensor-4' lacks extended key usage clientAuth", verify(true, noEku, ca));
    }

    @Test
    void aCaCertificateIsNoPeerIdentity() throws Exception {
        hub.keys.addTrustAnchor("installer-ca", ca, Set.of(TrustPurpose.DTLS));
        KeyPair pair = Certificates.ec();
        X509Certificate subCa = Certificates.issue(caPair, "installer-ca", pair, "sensor-5",
                java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plusSeconds(86400), true);
        hub.certificateThing("sensor-5", subCa);
        assertEquals("certificate 'CN=sensor-5' is a CA, not an end certificate", verify(true, subCa, ca));
    }

    @Test
    void aCertificateNamingAThingWithAnotherKeyIsRefused() throws Exception {
        hub.keys.addTrustAnchor("installer-ca", ca, Set.of(TrustPurpose.DTLS));
        X509Certificate enrolled = Certificates.leaf(caPair, "installer-ca", Certificates.ec(), "lamp",
                KeyPurposeId.id_kp_clientAuth);
        hub.certificateThing("lamp", enrolled);
        X509Certificate impostor = Certificates.leaf(caPair, "installer-ca", Certificates.ec(), "lamp",
                KeyPurposeId.id_kp_clientAuth);
        assertNotNull(verify(true, impostor, ca));
        assertEquals("certificate belongs to no enrolled thing", verify(true, impostor, ca));
    }

    @Test
    void anAnchorsPathLengthLimitsTheCasBelowIt() throws Exception {
        KeyPair rootPair = Certificates.ec();
        X509Certificate root = Certificates.ca(rootPair, "root-ca", 0);
        hub.keys.addTrustAnchor("root-ca", root, Set.of(TrustPurpose.DTLS));
        KeyPair subPair = Certificates.ec();
        X509Certificate sub = Certificates.issue(rootPair, "root-ca", subPair, "sub-ca",
                java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plusSeconds(86400), true);
        X509Certificate leaf = Certificates.leaf(subPair, "sub-ca", Certificates.ec(), "sensor-6",
                KeyPurposeId.id_kp_clientAuth);
        hub.certificateThing("sensor-6", leaf);
        assertEquals("issuer 'CN=root-ca' allows no CA below it (path length 0), the chain has 1",
                verify(true, leaf, sub, root));

        X509Certificate direct = Certificates.leaf(rootPair, "root-ca", Certificates.ec(), "sensor-7",
                KeyPurposeId.id_kp_clientAuth);
        hub.certificateThing("sensor-7", direct);
        assertNull(verify(true, direct, root));
    }

    @Test
    void anyExtendedKeyUsageIsNoClientAuth() throws Exception {
        hub.keys.addTrustAnchor("installer-ca", ca, Set.of(TrustPurpose.DTLS));
        X509Certificate any = Certificates.leaf(caPair, "installer-ca", Certificates.ec(), "sensor-8",
                KeyPurposeId.anyExtendedKeyUsage);
        hub.certificateThing("sensor-8", any);
        assertEquals("certificate 'CN=sensor-8' lacks extended key usage clientAuth", verify(true, any, ca));
    }

    @Test
    void anExpiredAnchorVouchesForNothing() throws Exception {
        KeyPair oldPair = Certificates.ec();
        X509Certificate expired = Certificates.issue(oldPair, "old-ca", oldPair, "old-ca",
                java.time.Instant.now().minusSeconds(86400 * 30), java.time.Instant.now().minusSeconds(86400), true);
        hub.keys.addTrustAnchor("old-ca", expired, Set.of(TrustPurpose.DTLS));
        X509Certificate leaf = Certificates.leaf(oldPair, "old-ca", Certificates.ec(), "sensor-9",
                KeyPurposeId.id_kp_clientAuth);
        hub.certificateThing("sensor-9", leaf);
        String refusal = verify(true, leaf, expired);
        assertNotNull(refusal);
        assertTrue(refusal.startsWith("trust anchor 'CN=old-ca' is not valid now"), refusal);
    }
}
