package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.HubIdentityStore;
import org.trusthub.api.keystore.KeyCounters;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.StoredKeys;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.ThingKeys;
import org.trusthub.api.keystore.TrustAnchorStore;
import org.trusthub.api.thing.ThingId;

class KeystoreComponentTest {

    private static final ThingId LAMP = ThingId.of("lamp-1");

    @TempDir
    Path dir;
    private final KeystoreComponent component = new KeystoreComponent();
    private final String karafData = System.getProperty("karaf.data");
    private final String karafEtc = System.getProperty("karaf.etc");

    @AfterEach
    void restore() {
        component.deactivate();
        restore("karaf.data", karafData);
        restore("karaf.etc", karafEtc);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    static KeystoreComponent.Config config(String store, String masterKey, int reservation) {
        Map<String, Object> values = Map.of("storeDirectory", store, "masterKeyFile", masterKey,
                "counterReservation", reservation, "replayMarkReservation", 32);
        return (KeystoreComponent.Config) Proxy.newProxyInstance(KeystoreComponentTest.class.getClassLoader(),
                new Class<?>[] {KeystoreComponent.Config.class}, (proxy, method, args) -> values.get(method.getName()));
    }

    @Test
    void defaultsComeFromKarafDataAndKarafEtc() {
        System.setProperty("karaf.data", dir.resolve("data").toString());
        System.setProperty("karaf.etc", dir.resolve("etc").toString());
        component.activate(config("", "", 1024));
        component.enroll(LAMP, RootCredential.secret(new byte[16]));
        assertTrue(Files.isRegularFile(dir.resolve("etc/trusthub/master.key")));
        assertTrue(Files.isRegularFile(dir.resolve("data/trusthub/keystore/keys.journal")));
        assertEquals(List.of(LAMP), component.things());
    }

    @Test
    void withoutKarafPropertiesOrConfigurationActivationFailsClearly() {
        System.clearProperty("karaf.data");
        System.clearProperty("karaf.etc");
        KeystoreException e = assertThrows(KeystoreException.class, () -> component.activate(config("", "", 1024)));
        assertEquals("keystore configuration org.trusthub.keystore: storeDirectory is not set and the system "
                + "property karaf.data is absent; set storeDirectory", e.getMessage());
        e = assertThrows(KeystoreException.class,
                () -> component.activate(config(dir.resolve("s").toString(), " ", 1024)));
        assertEquals("keystore configuration org.trusthub.keystore: masterKeyFile is not set and the system "
                + "property karaf.etc is absent; set masterKeyFile", e.getMessage());
        IllegalStateException inactive = assertThrows(IllegalStateException.class, component::things);
        assertEquals("the keystore component is not active", inactive.getMessage());
    }

    @Test
    void aCounterReservationBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> component.activate(
                config(dir.resolve("s").toString(), dir.resolve("k/master.key").toString(), 0)));
        assertEquals("counterReservation is 0; it must be at least 1", e.getMessage());
        assertTrue(Files.notExists(dir.resolve("k/master.key")), "nothing is created for a refused configuration");
    }

    @Test
    void aReplayMarkReservationBelowOneIsRefused() {
        Map<String, Object> values = Map.of("storeDirectory", dir.resolve("s").toString(), "masterKeyFile",
                dir.resolve("k/master.key").toString(), "counterReservation", 1024, "replayMarkReservation", 0);
        KeystoreComponent.Config config = (KeystoreComponent.Config) Proxy.newProxyInstance(
                KeystoreComponentTest.class.getClassLoader(), new Class<?>[] {KeystoreComponent.Config.class},
                (proxy, method, args) -> values.get(method.getName()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> component.activate(config));
        assertEquals("replayMarkReservation is 0; it must be at least 1", e.getMessage());
        assertTrue(Files.notExists(dir.resolve("k/master.key")), "nothing is created for a refused configuration");
    }

    @Test
    void eventsArePostedWhenAnEventAdminIsBoundAndSkippedOtherwise() {
        component.activate(config(dir.resolve("s").toString(), dir.resolve("k/master.key").toString(), 1024));
        component.enroll(ThingId.of("before"), RootCredential.secret(new byte[16])); // no EventAdmin yet
        List<Event> posted = new ArrayList<>();
        component.eventAdmin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                posted.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                throw new AssertionError("events are posted, not sent");
            }
        };
        component.enroll(LAMP, RootCredential.secret(new byte[16]));
        assertEquals(2, component.rotate(LAMP, Layer.TRANSPORT));
        component.rotateAll(LAMP);
        component.revoke(LAMP);

        assertEquals(List.of(TrustHubEvents.KEYS_ENROLLED, TrustHubEvents.KEYS_ROTATED, TrustHubEvents.KEYS_ROTATED,
                TrustHubEvents.KEYS_REVOKED), posted.stream().map(Event::getTopic).toList());
        Event enrolled = posted.get(0);
        assertEquals("lamp-1", enrolled.getProperty(TrustHubEvents.THING));
        assertEquals(1, enrolled.getProperty(TrustHubEvents.GENERATION));
        assertEquals(null, enrolled.getProperty(TrustHubEvents.LAYER));
        assertTrue(enrolled.getProperty(TrustHubEvents.TIMESTAMP) instanceof Long);
        Event rotated = posted.get(1);
        assertEquals("TRANSPORT", rotated.getProperty(TrustHubEvents.LAYER));
        assertEquals(2, rotated.getProperty(TrustHubEvents.GENERATION));
        assertEquals(null, posted.get(2).getProperty(TrustHubEvents.LAYER), "every layer was rotated");
        assertEquals("lamp-1", posted.get(3).getProperty(TrustHubEvents.THING));
    }

    @Test
    void aReactivationReopensTheSameStore() {
        KeystoreComponent.Config config = config(dir.resolve("s").toString(), dir.resolve("k/master.key").toString(),
                1024);
        component.activate(config);
        component.enroll(LAMP, RootCredential.secret(new byte[16]));
        long v = component.nextCounter(LAMP, Layer.LINK, "m", 100_000);
        var hub = component.hubIdentity().certificate();
        component.deactivate();
        assertThrows(IllegalStateException.class, () -> component.isActive(LAMP));
        component.activate(config);
        assertTrue(component.isActive(LAMP));
        assertEquals(hub, component.hubIdentity().certificate());
        assertTrue(component.nextCounter(LAMP, Layer.LINK, "m", 100_000) > v);
    }

    @Test
    void theServiceOffersTheApi11Methods() throws Exception {
        component.activate(config(dir.resolve("s").toString(), dir.resolve("k/master.key").toString(), 1024));
        ThingId bulb = ThingId.of("bulb-1");
        component.enroll(bulb, RootCredential.secret(new byte[16]));
        assertTrue(component.discardEnrollment(bulb));
        component.enroll(LAMP, RootCredential.secret(new byte[16]));
        byte[] ltk = new byte[16];
        Arrays.fill(ltk, (byte) 7);
        component.storeKey(LAMP, Layer.LINK, "ble-ltk", ltk);
        DerivedKey stored = component.storedKey(LAMP, Layer.LINK, "ble-ltk").orElseThrow();
        assertTrue(Arrays.equals(ltk, stored.bytes()));
        assertEquals(0, component.nextCounter(stored, 10));
        assertTrue(component.deleteStoredKey(LAMP, Layer.LINK, "ble-ltk"));
        assertFalse(component.discardEnrollment(LAMP));
        X509Certificate ca = Fixture.selfSignedCa(Fixture.ecKeyPair("secp256r1"), "ca", "SHA256withECDSA");
        component.addTrustAnchor("ca", ca, java.util.Set.of(org.trusthub.api.keystore.TrustPurpose.TLS));
        assertEquals(Map.of("ca", ca), component.trustAnchors());
        assertEquals(Map.of("ca", ca), component.trustAnchors(org.trusthub.api.keystore.TrustPurpose.TLS));
        assertEquals(Map.of(), component.trustAnchors(org.trusthub.api.keystore.TrustPurpose.WSS));
        assertTrue(component.removeTrustAnchor("ca"));
    }

    /**
     * One component, six service interfaces: a consumer of one concern and a consumer of the whole keystore get the
     * same store. Read from the descriptor bnd writes from the annotations, which is what SCR registers.
     */
    @Test
    void oneComponentIsRegisteredUnderTheKeystoreAndEachOfItsConcerns() throws Exception {
        String descriptor;
        try (var in = KeystoreComponent.class.getClassLoader()
                .getResourceAsStream("OSGI-INF/" + KeystoreComponent.class.getName() + ".xml")) {
            assertTrue(in != null, "bnd wrote no component descriptor");
            descriptor = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<provide interface=\"([^\"]+)\"")
                .matcher(descriptor);
        java.util.Set<String> provided = new java.util.TreeSet<>();
        while (m.find()) {
            provided.add(m.group(1));
        }
        assertEquals(java.util.Set.of(ThingKeyStore.class.getName(), ThingKeys.class.getName(),
                KeyCounters.class.getName(), StoredKeys.class.getName(), TrustAnchorStore.class.getName(),
                HubIdentityStore.class.getName()), provided);
        assertEquals(1, descriptor.split("<scr:component", -1).length - 1, "one component provides them all");
        for (Class<?> concern : List.of(ThingKeys.class, KeyCounters.class, StoredKeys.class, TrustAnchorStore.class,
                HubIdentityStore.class)) {
            assertTrue(concern.isAssignableFrom(ThingKeyStore.class), concern + " is part of the whole keystore");
        }
    }
}
