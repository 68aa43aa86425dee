package org.trusthub.api.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.thing.ThingId;

class SecretsStayOutOfTextTest {

    private static final byte[] SECRET = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    @Test
    void rootSecretNeverShowsItsBytes() {
        RootCredential.Secret root = RootCredential.secret(SECRET);
        assertFalse(root.toString().toLowerCase().contains("00112233"), root.toString());
        assertArrayEquals(SECRET, root.bytes());
        root.destroy();
        assertTrue(root.isDestroyed());
        assertThrows(IllegalStateException.class, root::bytes);
    }

    @Test
    void rootSecretLengthIsChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RootCredential.secret(new byte[15]));
        assertEquals("root secret is 15 bytes; it must be 16 to 64 bytes", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RootCredential.secret(new byte[65]));
    }

    @Test
    void derivedKeyNeverShowsItsBytes() {
        DerivedKey key = new DerivedKey(ThingId.of("t"), Layer.LINK, "ieee802154-ccm-star", 1, SECRET.clone());
        assertFalse(key.toString().toLowerCase().contains("00112233"), key.toString());
        assertTrue(key.toString().contains("redacted"));
        key.destroy();
        assertThrows(IllegalStateException.class, key::bytes);
    }

    @Test
    void mechanismNamesAreChecked() {
        assertEquals("dtls-psk", Mechanisms.check("dtls-psk"));
        assertThrows(IllegalArgumentException.class, () -> Mechanisms.check("DTLS"));
        assertThrows(IllegalArgumentException.class, () -> Mechanisms.check("a)(objectClass=*"));
        assertThrows(IllegalArgumentException.class, () -> Mechanisms.check(""));
    }

    @Test
    void providerFilterSelectsLayerAndMechanism() {
        assertEquals("(&(objectClass=org.trusthub.api.security.SecurityProvider)(trusthub.layer=LINK)"
                + "(trusthub.mechanism=ieee802154-ccm-star))",
                SecurityProvider.filter(Layer.LINK, "ieee802154-ccm-star"));
        // A mechanism cannot inject filter syntax.
        assertThrows(IllegalArgumentException.class, () -> SecurityProvider.filter(Layer.LINK, "x)(a=b"));
    }
}
