package org.trusthub.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;

class TrustAnchorCommandsTest extends ShellTestSupport {

    private TrustAnchorListCommand list() {
        TrustAnchorListCommand c = new TrustAnchorListCommand();
        c.keyStore = keyStore;
        return c;
    }

    private TrustAnchorAddCommand add(String alias, Path file, String... purposes) {
        TrustAnchorAddCommand c = new TrustAnchorAddCommand();
        c.keyStore = keyStore;
        c.alias = alias;
        c.file = file.toString();
        c.purposes = purposes.length == 0 ? null : List.of(purposes);
        return c;
    }

    private TrustAnchorRemoveCommand remove(String alias) {
        TrustAnchorRemoveCommand c = new TrustAnchorRemoveCommand();
        c.keyStore = keyStore;
        c.alias = alias;
        return c;
    }

    private Path pemFile(String name, X509Certificate cert) throws Exception {
        Path file = stores.resolve(name);
        Files.writeString(file, Certificates.pem(cert), StandardCharsets.US_ASCII);
        return file;
    }

    private static String fingerprint(X509Certificate cert) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    }

    @Test
    void addListAndRemove() throws Exception {
        assertEquals("No trust anchors.\n", run(list()));
        X509Certificate ca = Certificates.selfSignedCa(Certificates.ec("secp256r1"), "CN=home ca");
        X509Certificate vendor = Certificates.selfSignedCa(Certificates.rsa(), "CN=vendor root,O=Vendor");
        assertEquals("Trust anchor home-ca added for dtls,wss: CN=home ca, SHA-256 " + fingerprint(ca) + "\n",
                run(add("home-ca", pemFile("ca.pem", ca), "wss", "DTLS")));
        Path der = stores.resolve("vendor.der");
        Files.write(der, vendor.getEncoded());
        run(add("vendor", der, "firmware"));
        assertEquals(Map.of("home-ca", ca, "vendor", vendor), keyStore.trustAnchors());
        assertEquals(Map.of("vendor", vendor), keyStore.trustAnchors(TrustPurpose.FIRMWARE));
        assertEquals(Map.of("home-ca", ca), keyStore.trustAnchors(TrustPurpose.WSS));
        String table = run(list());
        List<String> lines = table.lines().toList();
        assertEquals(4, lines.size(), table);
        assertTrue(lines.get(0).matches("Alias +\\| Purposes +\\| Subject +\\| Not after +\\| SHA-256"),
                lines.get(0));
        assertTrue(lines.get(2).startsWith("home-ca | dtls,wss | CN=home ca "), lines.get(2));
        assertTrue(lines.get(2).contains("| 2046-01-01T00:00:00Z | " + fingerprint(ca)), lines.get(2));
        assertTrue(lines.get(3).startsWith("vendor  | firmware | " + vendor.getSubjectX500Principal().getName()
                + " "), lines.get(3));

        assertEquals("Trust anchor home-ca removed\n", run(remove("home-ca")));
        assertEquals(Map.of("vendor", vendor), keyStore.trustAnchors());
    }

    @Test
    void refusalsChangeNothing() throws Exception {
        X509Certificate ca = Certificates.selfSignedCa(Certificates.ec("secp256r1"), "CN=home ca");
        Path pem = pemFile("ca.pem", ca);
        run(add("home-ca", pem, "tls"));
        assertEquals("Error: trust anchor alias 'home-ca' is taken; remove it first", fail(add("home-ca", pem, "tls")));
        assertEquals("Error: malformed trust anchor alias: it must be 1 to 64 lower-case letters, digits, '.', '_' "
                + "and '-'", fail(add("Home CA", pem, "tls")));
        assertEquals("Error: give the anchor's purposes with --purpose (dtls, tls, wss, firmware, attestation; repeat "
                + "for several)", fail(add("other", pem)));
        assertEquals("Error: unknown trust anchor purpose 'all': use one of dtls, tls, wss, firmware, attestation",
                fail(add("other", pem, "tls", "all")));
        X509Certificate leaf = Certificates.selfSigned(Certificates.ec("secp256r1"), "CN=lamp");
        assertEquals("Error: trust anchor 'lamp' refused: issuer 'CN=lamp' is not a CA (no basicConstraints CA)",
                fail(add("lamp", pemFile("lamp.pem", leaf), "dtls")));
        Path junk = stores.resolve("junk.pem");
        Files.writeString(junk, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        assertEquals("Error: certificate file " + junk + " is not a PEM or DER X.509 certificate",
                fail(add("junk", junk, "tls")));
        assertEquals("Error: certificate file " + stores.resolve("missing.pem") + " does not exist",
                fail(add("missing", stores.resolve("missing.pem"), "tls")));
        assertEquals("Error: no trust anchor 'nobody'", fail(remove("nobody")));
        assertEquals("Error: no trust anchor 'x\\u001b[31m'", fail(remove("x\u001b[31m")));
        assertEquals(Map.of("home-ca", ca), keyStore.trustAnchors());
    }

    @Test
    void thingKeysNamesStoredKeysNeverTheirBytes() throws Exception {
        ThingId bulb = ThingId.of("bulb-1");
        registry.enroll(bulb, "alice", RootCredential.secret(new byte[32]));
        byte[] ltk = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
        keyStore.storeKey(bulb, Layer.LINK, "ble-ltk", ltk);
        keyStore.storeKey(bulb, Layer.LINK, "ble-irk", HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100"));
        keyStore.storeKey(bulb, Layer.NETWORK, "zigbee-link", ltk);
        keyStore.deriveKey(bulb, Layer.LINK, MECHANISM, 16).destroy(); // derived, not stored
        ThingKeysCommand keys = new ThingKeysCommand();
        keys.keyStore = keyStore;
        keys.id = "bulb-1";
        var before = keyStore.metadata(bulb);
        String out = run(keys);
        List<String> lines = new ArrayList<>(out.lines().toList());
        assertEquals("Stored keys:  LINK ble-irk, LINK ble-ltk, NETWORK zigbee-link", lines.get(lines.size() - 1));
        assertTrue(lines.get(6).endsWith("| ble-irk,ble-ltk," + MECHANISM), lines.get(6));
        assertEquals(before, keyStore.metadata(bulb), "listing looks stored keys up without touching the metadata");
        for (String rendering : List.of("00112233", "00:11:22:33", "ABEiM0RV", "[0, 17, 34")) {
            assertFalse(out.toLowerCase().contains(rendering.toLowerCase()), "key bytes in output: " + rendering);
        }
        registry.transition(bulb, Transition.DECOMMISSION);
        assertFalse(run(keys).contains("Stored keys"), "revocation destroyed them");
    }
}
