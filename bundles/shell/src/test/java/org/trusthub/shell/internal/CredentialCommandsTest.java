package org.trusthub.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;

class CredentialCommandsTest extends ShellTestSupport {

    private static final ThingId LAMP = ThingId.of("lamp-1");
    private static final byte[] SECRET = HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    @TempDir
    Path dir;

    private ThingEnrollCommand enroll(String id, String owner) {
        ThingEnrollCommand c = new ThingEnrollCommand();
        c.registry = registry;
        c.id = id;
        c.owner = owner;
        return c;
    }

    private ThingRecommissionCommand recommission(String id, String owner) {
        ThingRecommissionCommand c = new ThingRecommissionCommand();
        c.registry = registry;
        c.id = id;
        c.newOwner = owner;
        return c;
    }

    private Path file(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    /** The secret must not appear in the output in any of the forms a careless print would use. */
    private static void assertNoSecret(String output, byte[] secret) {
        String hex = HexFormat.of().formatHex(secret);
        for (String form : List.of(hex, hex.toUpperCase(), Base64.getEncoder().encodeToString(secret),
                Arrays.toString(secret), hex.substring(0, 16))) {
            assertFalse(output.contains(form), "output shows the secret as " + form + ":\n" + output);
        }
        assertFalse(output.contains(new String(secret, StandardCharsets.ISO_8859_1)), "output shows raw secret");
    }

    @Test
    void enrollFromAHexSecretFile() throws Exception {
        ThingEnrollCommand c = enroll("lamp-1", "alice");
        c.secretFile = file("lamp.hex", ("  " + HexFormat.of().formatHex(SECRET).toUpperCase() + "\r\n").getBytes())
                .toString();
        String out = run(c);
        assertEquals(String.join("\n",
                "Enrolled lamp-1",
                "Thing:        lamp-1",
                "State:        MANUFACTURED",
                "Owner:        alice",
                "Commissions:  0",
                "Enrolled:     2026-11-22T08:01:00Z",
                "Changed:      2026-11-22T08:01:00Z",
                ""), out);
        assertEnrolledSecret(SECRET, LAMP);
        assertNoSecret(out, SECRET);
    }

    @Test
    void enrollFromARawSecretFile() throws Exception {
        byte[] raw = new byte[20];
        new SecureRandom().nextBytes(raw);
        raw[0] = (byte) 0xff; // not hex text
        ThingEnrollCommand c = enroll("lamp-1", "alice");
        c.secretFile = file("lamp.bin", raw).toString();
        String out = run(c);
        assertEnrolledSecret(raw, LAMP);
        assertNoSecret(out, raw);
    }

    @Test
    void badSecretFilesAreRefusedWithoutShowingThem() throws Exception {
        String shortHex = "00112233445566778899aabbccddee"; // 15 bytes as hex: not taken as 31 raw bytes
        ThingEnrollCommand c = enroll("lamp-1", "alice");
        c.secretFile = file("short.hex", (shortHex + "\n").getBytes()).toString();
        String line = fail(c);
        assertEquals("Error: secret file " + c.secretFile + " holds 30 hex digits; a root secret is 32 to 128 hex "
                + "digits (an even number)", line);
        assertFalse(line.contains(shortHex));

        c = enroll("lamp-1", "alice");
        c.secretFile = file("odd.hex", ("0" + HexFormat.of().formatHex(SECRET)).getBytes()).toString();
        assertTrue(fail(c).contains("holds 65 hex digits"));

        c = enroll("lamp-1", "alice");
        c.secretFile = file("short.bin", "password\n".getBytes()).toString();
        line = fail(c);
        assertEquals("Error: secret file " + c.secretFile + " holds 9 bytes that are not hex text; a raw root "
                + "secret is 16 to 64 bytes", line);
        assertFalse(line.contains("password"));

        c = enroll("lamp-1", "alice");
        c.secretFile = dir.resolve("missing").toString();
        assertEquals("Error: secret file " + c.secretFile + " does not exist", fail(c));

        c = enroll("lamp-1", "alice");
        c.secretFile = dir.toString();
        assertEquals("Error: secret file " + dir + " is not a regular file", fail(c));

        assertEquals(Optional.empty(), registry.find(LAMP));
        assertEquals(List.of(), keyStore.things(), "nothing reached the keystore");
    }

    @Test
    void exactlyOneCredentialOption() throws Exception {
        Path secret = file("s.hex", HexFormat.of().formatHex(SECRET).getBytes());
        assertEquals("Error: give exactly one of --secret-file, --certificate, --generate-secret",
                fail(enroll("lamp-1", "alice")));
        ThingEnrollCommand two = enroll("lamp-1", "alice");
        two.secretFile = secret.toString();
        two.generateSecret = dir.resolve("new.hex").toString();
        assertEquals("Error: give exactly one of --secret-file, --certificate, --generate-secret", fail(two));
        assertFalse(Files.exists(dir.resolve("new.hex")));
        assertEquals(Optional.empty(), registry.find(LAMP));
    }

    @Test
    void enrollFromPemAndDerCertificates() throws Exception {
        KeyPair pair = Certificates.ec("secp256r1");
        X509Certificate cert = Certificates.selfSigned(pair, "CN=lamp-1,O=Acme");
        ThingEnrollCommand pem = enroll("lamp-1", "alice");
        pem.certificate = file("lamp.pem", Certificates.pem(cert).getBytes()).toString();
        assertTrue(run(pem).startsWith("Enrolled lamp-1\n"));
        assertEquals(Optional.of(cert), keyStore.rootCertificate(LAMP));
        assertEquals(RootCredential.Kind.CERTIFICATE, keyStore.metadata(LAMP).rootKind());

        ThingEnrollCommand der = enroll("lamp-2", "alice");
        der.certificate = file("lamp.der", cert.getEncoded()).toString();
        run(der);
        ThingId lamp2 = ThingId.of("lamp-2");
        assertEquals(RootCredential.Kind.CERTIFICATE, keyStore.metadata(lamp2).rootKind());
        assertEquals(Optional.of(cert), keyStore.rootCertificate(lamp2));
    }

    @Test
    void certificatesWithoutAP256KeyAreRefused() throws Exception {
        ThingEnrollCommand rsa = enroll("lamp-1", "alice");
        rsa.certificate = file("rsa.pem", Certificates.pem(Certificates.selfSigned(Certificates.rsa(), "CN=rsa"))
                .getBytes()).toString();
        assertEquals("Error: certificate in " + rsa.certificate + " has a RSA key; a root certificate needs an EC "
                + "P-256 key", fail(rsa));

        ThingEnrollCommand p384 = enroll("lamp-1", "alice");
        p384.certificate = file("p384.der", Certificates.selfSigned(Certificates.ec("secp384r1"), "CN=p384")
                .getEncoded()).toString();
        assertEquals("Error: certificate in " + p384.certificate + " has a EC (384-bit, not P-256) key; a root "
                + "certificate needs an EC P-256 key", fail(p384));

        ThingEnrollCommand garbage = enroll("lamp-1", "alice");
        garbage.certificate = file("garbage.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n".getBytes()).toString();
        assertEquals("Error: certificate file " + garbage.certificate + " is not a PEM or DER X.509 certificate",
                fail(garbage));
        assertEquals(List.of(), keyStore.things(), "nothing reached the keystore");
    }

    @Test
    void generatedSecretGoesToANewOwnerOnlyFileAndNowhereElse() throws Exception {
        ThingEnrollCommand c = enroll("lamp-1", "alice");
        Path target = dir.resolve("lamp-1.hex");
        c.generateSecret = target.toString();
        String out = run(c);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        String written = Files.readString(target);
        assertTrue(written.matches("[0-9a-f]{64}\n"), written.length() + " characters");
        byte[] secret = HexFormat.of().parseHex(written.strip());
        assertEnrolledSecret(secret, LAMP); // the keystore got exactly what the file holds
        assertNoSecret(out, secret);
        assertTrue(out.endsWith("Root secret written to " + target + " (hex, mode 0600): keep it safe\n"), out);

        // and the file it wrote reads back as the same secret
        ThingEnrollCommand again = enroll("lamp-2", "alice");
        again.secretFile = target.toString();
        run(again);
        assertEnrolledSecret(secret, ThingId.of("lamp-2"));
    }

    @Test
    void generateSecretNeverOverwrites() throws Exception {
        Path existing = file("precious.hex", "do not touch\n".getBytes());
        ThingEnrollCommand c = enroll("lamp-1", "alice");
        c.generateSecret = existing.toString();
        assertEquals("Error: file " + existing + " already exists; refusing to overwrite it", fail(c));
        assertEquals("do not touch\n", Files.readString(existing));
        assertEquals(Optional.empty(), registry.find(LAMP));
    }

    @Test
    void refusedEnrollmentLeavesNoGeneratedFile() throws Exception {
        registry.enroll(LAMP, "alice", RootCredential.secret(SECRET));
        ThingEnrollCommand duplicate = enroll("lamp-1", "bob");
        duplicate.generateSecret = dir.resolve("dup.hex").toString();
        assertEquals("Error: thing 'lamp-1' is already enrolled (it is MANUFACTURED)", fail(duplicate));
        assertFalse(Files.exists(dir.resolve("dup.hex")));

        ThingEnrollCommand badOwner = enroll("lamp-2", "   ");
        badOwner.generateSecret = dir.resolve("bad.hex").toString();
        assertEquals("Error: malformed owner: it is blank", fail(badOwner));
        assertFalse(Files.exists(dir.resolve("bad.hex")), "the secret of a refused enrollment is not kept");
        assertEquals(Optional.empty(), registry.find(ThingId.of("lamp-2")));
    }

    @Test
    void malformedIdIsRefusedBeforeAnyFile() {
        ThingEnrollCommand c = enroll("Lamp 1", "alice");
        c.generateSecret = dir.resolve("x.hex").toString();
        assertTrue(fail(c).startsWith("Error: malformed thing id 'Lamp 1'"));
        assertFalse(Files.exists(dir.resolve("x.hex")));
    }

    @Test
    void recommissionUnderANewOwnerWithAGeneratedSecret() throws Exception {
        registry.enroll(LAMP, "alice", RootCredential.secret(SECRET));
        byte[] oldKey = key(keyStore, LAMP, Layer.LINK);
        registry.transition(LAMP, Transition.DECOMMISSION);
        ThingRecommissionCommand c = recommission("lamp-1", "bob");
        Path target = dir.resolve("fresh.hex");
        c.generateSecret = target.toString();
        String out = run(c);
        assertEquals(String.join("\n",
                "lamp-1: DECOMMISSIONED -> BOOTSTRAPPING (RECOMMISSION)",
                "Thing:        lamp-1",
                "State:        BOOTSTRAPPING",
                "Owner:        bob",
                "Commissions:  1",
                "Enrolled:     2026-11-22T08:01:00Z",
                "Changed:      2026-11-22T08:03:00Z",
                "Root secret written to " + target + " (hex, mode 0600): keep it safe",
                ""), out);
        byte[] fresh = HexFormat.of().parseHex(Files.readString(target).strip());
        assertEnrolledSecret(fresh, LAMP);
        assertFalse(Arrays.equals(SECRET, fresh));
        assertFalse(Arrays.equals(oldKey, key(keyStore, LAMP, Layer.LINK)), "the old key is gone");
        assertNoSecret(out, fresh);
    }

    @Test
    void recommissionOfALiveThingIsRefusedBeforeAnyFile() {
        registry.enroll(LAMP, "alice", RootCredential.secret(SECRET));
        List<KeyMetadata> keys = allKeys();
        ThingRecommissionCommand c = recommission("lamp-1", "mallory");
        c.generateSecret = dir.resolve("x.hex").toString();
        assertEquals("Error: thing 'lamp-1' is MANUFACTURED: RECOMMISSION is not allowed; allowed from "
                + "MANUFACTURED: [BOOTSTRAP, DECOMMISSION]", fail(c));
        assertFalse(Files.exists(dir.resolve("x.hex")));
        Thing t = registry.get(LAMP);
        assertEquals("alice", t.owner());
        assertEquals(LifecycleState.MANUFACTURED, t.state());
        assertEquals(keys, allKeys(), "no new root reached the keystore");
        assertEnrolledSecret(SECRET, LAMP);
    }

    @Test
    void recommissionOfAnUnknownThing() throws Exception {
        ThingRecommissionCommand c = recommission("ghost", "bob");
        c.secretFile = file("s.hex", HexFormat.of().formatHex(SECRET).getBytes()).toString();
        assertEquals("Error: unknown thing 'ghost': it is not enrolled on this hub", fail(c));
    }
}
