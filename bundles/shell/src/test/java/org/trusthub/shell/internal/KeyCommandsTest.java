package org.trusthub.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;

class KeyCommandsTest extends ShellTestSupport {

    private static final ThingId LAMP = ThingId.of("lamp-1");

    @BeforeEach
    void lamp() {
        registry.enroll(LAMP, "alice", RootCredential.secret(new byte[32]));
    }

    private ThingKeysCommand keys(String id) {
        ThingKeysCommand c = new ThingKeysCommand();
        c.keyStore = keyStore;
        c.id = id;
        return c;
    }

    private KeyRotateCommand rotate(String id, String layer) {
        KeyRotateCommand c = new KeyRotateCommand();
        c.keyStore = keyStore;
        c.id = id;
        c.layer = layer;
        return c;
    }

    @Test
    void keysShowMetadataPerLayer() throws Exception {
        keyClock.set(Instant.parse("2026-11-22T08:30:00Z"));
        keyStore.rotate(LAMP, Layer.NETWORK);
        keyClock.set(Instant.parse("2026-11-22T09:00:00Z"));
        keyStore.deriveKey(LAMP, Layer.LINK, "ieee802154-ccm-star", 16).destroy();
        keyStore.deriveKey(LAMP, Layer.LINK, "ble-aes-ccm", 16).destroy();
        assertEquals(String.join("\n",
                "Thing:        lamp-1",
                "Root:         SECRET",
                "Status:       ACTIVE",
                "Enrolled:     2026-11-22T08:00:00Z",
                "Layer       | Generation | Created              | Last used            | Mechanisms",
                "------------+------------+----------------------+----------------------+--------------------------------",
                "LINK        | 1          | 2026-11-22T08:00:00Z | 2026-11-22T09:00:00Z | ble-aes-ccm,ieee802154-ccm-star",
                "NETWORK     | 2          | 2026-11-22T08:30:00Z | never                | -",
                "TRANSPORT   | 1          | 2026-11-22T08:00:00Z | never                | -",
                "APPLICATION | 1          | 2026-11-22T08:00:00Z | never                | -",
                ""), run(keys("lamp-1")));
    }

    @Test
    void keysOfARevokedCertificateRoot() throws Exception {
        KeyPair pair = Certificates.ec("secp256r1");
        ThingId cam = ThingId.of("camera-1");
        X509Certificate cert = Certificates.selfSigned(pair, "CN=camera-1");
        registry.enroll(cam, "alice", RootCredential.certificate(cert));
        keyClock.set(Instant.parse("2026-11-22T10:00:00Z"));
        registry.transition(cam, Transition.DECOMMISSION);
        String out = run(keys("camera-1"));
        assertEquals(String.join("\n",
                "Thing:        camera-1",
                "Root:         CERTIFICATE",
                "Root SHA-256: " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(cert.getEncoded())),
                "Status:       REVOKED",
                "Enrolled:     2026-11-22T08:00:00Z",
                "Revoked:      2026-11-22T10:00:00Z"), String.join("\n", out.lines().limit(6).toList()));
    }

    @Test
    void keysOfAnUnknownThing() {
        assertEquals("Error: unknown thing 'ghost': it is not enrolled on this hub", fail(keys("ghost")));
        assertEquals("Error: malformed thing id: it is empty", fail(keys("")));
    }

    @Test
    void rotateOneLayer() throws Exception {
        byte[] link = key(keyStore, LAMP, Layer.LINK);
        byte[] transport = key(keyStore, LAMP, Layer.TRANSPORT);
        assertEquals("lamp-1: TRANSPORT keys rotated to generation 2\n", run(rotate("lamp-1", "transport")));
        assertEquals("lamp-1: TRANSPORT keys rotated to generation 3\n", run(rotate("lamp-1", "TRANSPORT")));
        assertEquals(3, generation(LAMP, Layer.TRANSPORT));
        assertEquals(1, generation(LAMP, Layer.LINK));
        assertFalse(Arrays.equals(transport, key(keyStore, LAMP, Layer.TRANSPORT)), "a new TRANSPORT key");
        assertTrue(Arrays.equals(link, key(keyStore, LAMP, Layer.LINK)), "the other layers keep theirs");
    }

    @Test
    void rotateEveryLayer() throws Exception {
        keyStore.rotate(LAMP, Layer.LINK);
        assertEquals("lamp-1: keys of every layer rotated (LINK 3, NETWORK 2, TRANSPORT 2, APPLICATION 2)\n",
                run(rotate("lamp-1", null)));
    }

    @Test
    void rotateRefusals() {
        assertEquals("Error: unknown layer 'phy': use one of LINK, NETWORK, TRANSPORT, APPLICATION",
                fail(rotate("lamp-1", "phy")));
        assertEquals("Error: unknown thing 'ghost': it is not enrolled on this hub", fail(rotate("ghost", null)));
        registry.transition(LAMP, Transition.DECOMMISSION);
        assertEquals("Error: keys of thing 'lamp-1' are revoked: re-commission it with a fresh root credential",
                fail(rotate("lamp-1", "LINK")));
        assertEquals(1, generation(LAMP, Layer.LINK));
    }

    @Test
    void hubIdentityShowsTheCertificateNeverThePrivateKey() throws Exception {
        // The identity the keystore made when it first opened, at 08:00 on its clock.
        HubIdentity hub = keyStore.hubIdentity();
        X509Certificate cert = hub.certificate();
        HubIdentityCommand c = new HubIdentityCommand();
        c.keyStore = keyStore;
        String out = run(c);
        String subject = cert.getSubjectX500Principal().getName();
        assertTrue(subject.matches("CN=trusthub hub [0-9a-f]{12}"), subject);
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        assertEquals(String.join("\n",
                "Subject:      " + subject,
                "Issuer:       " + subject,
                "Serial:       " + cert.getSerialNumber().toString(16),
                "SHA-256:      " + fingerprint,
                "Not before:   2026-11-22T07:55:00Z",
                "Not after:    2036-11-21T08:00:00Z",
                "Public key:   EC 256-bit",
                ""), out);
        BigInteger s = ((ECPrivateKey) hub.privateKey()).getS();
        assertFalse(out.contains(s.toString(16)) || out.contains(s.toString(16).toUpperCase())
                || out.contains(s.toString()), "private key in output");
        assertFalse(out.toUpperCase().contains(HexFormat.of().formatHex(hub.privateKey().getEncoded()).toUpperCase()));
    }

    @Test
    void hubIdentityWritesTheCertificateAndPublicKeyAsPem() throws Exception {
        HubIdentity hub = keyStore.hubIdentity();
        Path cert = stores.resolve("hub.pem");
        Path key = stores.resolve("hub-key.pem");
        HubIdentityCommand c = new HubIdentityCommand();
        c.keyStore = keyStore;
        c.pemFile = cert.toString();
        c.publicKeyFile = key.toString();
        String out = run(c);
        assertTrue(out.contains("Certificate written to " + cert + " (PEM)\n"), out);
        assertTrue(out.contains("Public key written to " + key + " (PEM, SubjectPublicKeyInfo)\n"), out);

        String pem = Files.readString(cert);
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----\n") && pem.endsWith("-----END CERTIFICATE-----\n"),
                pem);
        X509Certificate read = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(hub.certificate(), read);
        String keyPem = Files.readString(key);
        assertTrue(keyPem.startsWith("-----BEGIN PUBLIC KEY-----\n"), keyPem);
        byte[] spki = Base64.getMimeDecoder().decode(keyPem.replaceAll("-----[A-Z ]+-----", ""));
        PublicKey publicKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        assertEquals(hub.certificate().getPublicKey(), publicKey);
        String b64Private = Base64.getEncoder().encodeToString(hub.privateKey().getEncoded());
        assertFalse(pem.contains(b64Private.substring(0, 40)) || keyPem.contains(b64Private.substring(0, 40)));

        // an existing file is never overwritten
        HubIdentityCommand again = new HubIdentityCommand();
        again.keyStore = keyStore;
        again.pemFile = cert.toString();
        assertEquals("Error: file " + cert + " already exists; refusing to overwrite it", fail(again));
        assertEquals(pem, Files.readString(cert));
        // and a refused second file takes the first one back
        HubIdentityCommand both = new HubIdentityCommand();
        both.keyStore = keyStore;
        both.pemFile = stores.resolve("new.pem").toString();
        both.publicKeyFile = key.toString();
        fail(both);
        assertFalse(Files.exists(stores.resolve("new.pem")));
    }

    private HubIdentityCommand hubIdentity(String pem, String publicKey) {
        HubIdentityCommand c = new HubIdentityCommand();
        c.keyStore = keyStore;
        c.pemFile = pem;
        c.publicKeyFile = publicKey;
        return c;
    }

    @Test
    void hubIdentityNamesTheFileItWroteAbsolutely() throws Exception {
        // a relative name is taken from the hub's working directory, and the output says where the file went
        Path file = stores.resolve("relative.pem");
        String relative = Path.of("").toAbsolutePath().relativize(file).toString();
        assertFalse(Path.of(relative).isAbsolute());
        assertTrue(run(hubIdentity(relative, null)).contains("Certificate written to " + file + " (PEM)\n"));
        assertTrue(Files.isRegularFile(file));
    }

    @Test
    void hubIdentityRefusesOneFileSpelledTwoWays() {
        Path file = stores.resolve("same.pem");
        assertEquals("Error: --pem and --public-key name the same file " + file,
                fail(hubIdentity(stores.resolve(".").resolve("same.pem").toString(), file.toString())));
        assertFalse(Files.exists(file));
    }

    @Test
    void hubIdentityNeverFollowsASymbolicLink() throws Exception {
        // a link planted where the file is to go, pointing at a file that does not exist yet (or does)
        Path elsewhere = stores.resolve("elsewhere.pem");
        Path link = Files.createSymbolicLink(stores.resolve("link.pem"), elsewhere);
        assertEquals("Error: file " + link + " already exists; refusing to overwrite it",
                fail(hubIdentity(link.toString(), null)));
        assertFalse(Files.exists(elsewhere), "nothing written through the link");
        Files.writeString(elsewhere, "keep me");
        fail(hubIdentity(null, link.toString()));
        assertEquals("keep me", Files.readString(elsewhere));
    }
}
