package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;

/**
 * README's "The key derivation profile", followed step by step with nothing but the JDK (HMAC-SHA256, ECDH), as a
 * thing's firmware would, gives the keystore's keys: for a secret root and a certificate root, across generations.
 * The info bytes are written out literally, as README spells them, not built with {@link DerivationProfile}.
 */
class ReadmeDerivationTest {

    /** README's example info (lamp-1, TRANSPORT, dtls-psk, generation 1, L = 16), as README writes it. */
    private static final String README_INFO_HEX = "0b 7472757374687562 2f7631 06 6c616d702d31 09 5452414e53504f5254 08 "
            + "64746c732d70736b 00000001 00000010";

    /**
     * What this test follows is what README says, word for word where it matters: the salt, the example info bytes and
     * the mechanism table's rows this test derives. README is read from the repository, so an edit to either fails here.
     */
    @Test
    void readmeStatesTheRecipeThisTestFollows() throws Exception {
        Path file = Path.of(System.getProperty("basedir", ".")).resolve("../../README.md").normalize();
        String readme = Files.readString(file, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        for (String stated : new String[] {
            "`PRK = HKDF-Extract(salt = \"trusthub/v1 root\", IKM)` with HMAC-SHA256",
            "where `info` is `\"trusthub/v1\"`, the thing id, the layer and the mechanism, each as UTF-8 preceded by "
                    + "its length in bytes as one byte, then the generation and `L` as 4-byte big-endian integers",
            "`info` is (hex) `" + README_INFO_HEX + "`",
            "the 32-byte big-endian x-coordinate of the shared point, unhashed",
            "| `TRANSPORT` | `dtls-psk` | 16 |",
            "| `APPLICATION` | `oscore` | 16 |",
            "| `APPLICATION` | `ws-security-ut` | 32 |",
            "| `LINK` | `ieee802154-ccm-star` | 16 |",
            "every layer is at 1 after `thing-enroll`"}) {
            assertTrue(readme.contains(stated), "README.md no longer says: " + stated);
        }
    }

    @TempDir
    Path dir;
    private FileThingKeyStore ks;

    @BeforeEach
    void open() {
        ks = new Fixture(dir).open();
    }

    @AfterEach
    void close() {
        ks.close();
    }

    @Test
    void theReadmeRecipeForASecretRootGivesTheKeystoresKeys() throws Exception {
        // the content of a --generate-secret file is hex text; the IKM is the bytes it spells
        byte[] root = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        ThingId lamp = ThingId.of("lamp-1");
        ks.enroll(lamp, RootCredential.secret(root));

        // README's example: info of lamp-1, TRANSPORT, dtls-psk, generation 1, L = 16
        byte[] info = HexFormat.of().parseHex(README_INFO_HEX.replace(" ", ""));
        assertArrayEquals(readme(root, info, 16), derived(lamp, Layer.TRANSPORT, "dtls-psk", 16));

        assertArrayEquals(readme(root, lamp, "APPLICATION", "ws-security-ut", 1, 32),
                derived(lamp, Layer.APPLICATION, "ws-security-ut", 32));
        assertArrayEquals(readme(root, lamp, "APPLICATION", "oscore", 1, 16),
                derived(lamp, Layer.APPLICATION, "oscore", 16));

        // trusthub:key-rotate lamp-1 TRANSPORT: generation 2 of that layer, the others stay at 1
        ks.rotate(lamp, Layer.TRANSPORT);
        assertArrayEquals(readme(root, lamp, "TRANSPORT", "dtls-psk", 2, 16),
                derived(lamp, Layer.TRANSPORT, "dtls-psk", 16));
        assertArrayEquals(readme(root, lamp, "LINK", "ieee802154-ccm-star", 1, 16),
                derived(lamp, Layer.LINK, "ieee802154-ccm-star", 16));
        // a rebootstrap rotates every layer by one
        ks.rotateAll(lamp);
        assertArrayEquals(readme(root, lamp, "TRANSPORT", "dtls-psk", 3, 16),
                derived(lamp, Layer.TRANSPORT, "dtls-psk", 16));
        assertArrayEquals(readme(root, lamp, "LINK", "ieee802154-ccm-star", 2, 16),
                derived(lamp, Layer.LINK, "ieee802154-ccm-star", 16));
    }

    @Test
    void theReadmeRecipeForACertificateRootGivesTheKeystoresKeys() throws Exception {
        KeyPair thing = Fixture.ecKeyPair("secp256r1");
        X509Certificate certificate = Fixture.selfSigned(thing, "sensor-7", "SHA256withECDSA");
        ThingId sensor = ThingId.of("sensor-7");
        ks.enroll(sensor, RootCredential.certificate(certificate));

        // the thing's side: its private key and the hub's public key (trusthub:hub-identity --public-key FILE)
        PublicKey hub = ks.hubIdentity().certificate().getPublicKey();
        KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
        ecdh.init(thing.getPrivate());
        ecdh.doPhase(hub, true);
        byte[] ikm = ecdh.generateSecret();
        assertEquals(32, ikm.length, "the x-coordinate of the shared point, 32 bytes big-endian");

        assertArrayEquals(readme(ikm, sensor, "TRANSPORT", "dtls-psk", 1, 16),
                derived(sensor, Layer.TRANSPORT, "dtls-psk", 16));
        assertArrayEquals(readme(ikm, sensor, "APPLICATION", "ws-security-ut", 1, 32),
                derived(sensor, Layer.APPLICATION, "ws-security-ut", 32));
        ks.rotate(sensor, Layer.APPLICATION);
        assertArrayEquals(readme(ikm, sensor, "APPLICATION", "oscore", 2, 16),
                derived(sensor, Layer.APPLICATION, "oscore", 16));
    }

    private byte[] derived(ThingId thing, Layer layer, String mechanism, int length) {
        DerivedKey key = ks.deriveKey(thing, layer, mechanism, length);
        try {
            return key.bytes();
        } finally {
            key.destroy();
        }
    }

    /** info = each of "trusthub/v1", thing id, layer, mechanism after its UTF-8 length in one byte; generation; L. */
    private static byte[] readme(byte[] ikm, ThingId thing, String layer, String mechanism, int generation,
            int length) throws Exception {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        for (String s : new String[] {"trusthub/v1", thing.value(), layer, mechanism}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            info.write(b.length);
            info.writeBytes(b);
        }
        info.writeBytes(new byte[] {(byte) (generation >>> 24), (byte) (generation >>> 16), (byte) (generation >>> 8),
            (byte) generation});
        info.writeBytes(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
            (byte) length});
        return readme(ikm, info.toByteArray(), length);
    }

    /** RFC 5869 with HMAC-SHA256: PRK = HMAC(salt = "trusthub/v1 root", IKM); T(i) = HMAC(PRK, T(i-1) | info | i). */
    private static byte[] readme(byte[] ikm, byte[] info, int length) throws Exception {
        Mac extract = Mac.getInstance("HmacSHA256");
        extract.init(new SecretKeySpec("trusthub/v1 root".getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        byte[] prk = extract.doFinal(ikm);
        Mac expand = Mac.getInstance("HmacSHA256");
        expand.init(new SecretKeySpec(prk, "HmacSHA256"));
        ByteArrayOutputStream okm = new ByteArrayOutputStream();
        byte[] t = new byte[0];
        for (int i = 1; okm.size() < length; i++) {
            expand.update(t);
            expand.update(info);
            expand.update((byte) i);
            t = expand.doFinal();
            okm.writeBytes(t);
        }
        return Arrays.copyOf(okm.toByteArray(), length);
    }
}
