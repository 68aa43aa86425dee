package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.offload.device.ConstrainedDevice;

/** The DS component without a framework: configuration, CRL files, and the events that take things out of service. */
class OffloadComponentTest {
    @TempDir
    Path dir;
    Fixture f;
    OffloadComponent component;

    private static OffloadComponent.Config config(String crlDirectory, String... algorithms) {
        return configWithState("", crlDirectory, algorithms);
    }

    private static OffloadComponent.Config configWithState(String stateDirectory, String crlDirectory,
            String... algorithms) {
        return new OffloadComponent.Config() {
            @Override
            public String stateDirectory() {
                return stateDirectory;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return OffloadComponent.Config.class;
            }

            @Override
            public long tokenLifetimeSeconds() {
                return 600;
            }

            @Override
            public long pairwiseLifetimeSeconds() {
                return 1200;
            }

            @Override
            public int epochWindow() {
                return 3;
            }

            @Override
            public String[] signatureAlgorithms() {
                return algorithms;
            }

            @Override
            public int minRsaBits() {
                return 3072;
            }

            @Override
            public String crlDirectory() {
                return crlDirectory;
            }
        };
    }

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        component = new OffloadComponent();
        component.keystore = f.keystore;
        component.registry = f.registry;
        component.clock = f.clock;
        // These tests are about everything but authorization (AuthorizationTest): every token and key is allowed.
        component.policy = Fixture.ANY;
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void aCfgLineOfAlgorithmsIsSplitAtCommas() {
        assertEquals(Set.of("SHA256withECDSA", "Ed25519"),
                OffloadComponent.algorithms(new String[] {"SHA256withECDSA, Ed25519"}));
        assertEquals(Set.of("A", "B"), OffloadComponent.algorithms(new String[] {"A", "B", " "}));
    }

    @Test
    void revocationListsAreReadFromTheDirectoryAndDamagedFilesSkipped() throws Exception {
        Pki pki = new Pki(f.clock.instant());
        Path crls = Files.createDirectories(dir.resolve("crl"));
        Files.write(crls.resolve("ca.crl"), pki.crl().getEncoded());
        Files.writeString(crls.resolve("broken.pem"), "not a CRL");
        Files.writeString(crls.resolve("readme.txt"), "ignored");
        assertEquals(1, OffloadComponent.loadCrls(crls).size());
        assertEquals(0, OffloadComponent.loadCrls(dir.resolve("missing")).size());
    }

    @Test
    void settingsComeFromTheConfiguration() {
        component.activate(config(dir.resolve("crl").toString(), "SHA256withECDSA"), null);
        ConstrainedDevice a = f.operational("cfg-a");
        ConstrainedDevice b = f.operational("cfg-b");
        a.acceptTokenResponse(component.requestToken(a.requestToken(b.id(), "read")));
        assertEquals(f.clock.instant().plusSeconds(600), component.issuedTokens().get(0).expires());
        component.create("g", Set.of(a.id(), b.id()));
        component.join("g", f.operational("cfg-c").id());
        component.leave("g", a.id());
        assertEquals(List.of(1L, 2L, 3L), component.group("g").orElseThrow().epochsKept());
    }

    @Test
    void itIsTheApplicationLayerSecurityProviderAceOffload() throws Exception {
        assertEquals(Layer.APPLICATION, component.layer());
        assertEquals("ace-offload", component.mechanism());
        // What DS registers, as bnd wrote it (the annotations are not kept at run time).
        String xml = Files.readString(Path.of("target/classes/OSGI-INF/" + OffloadComponent.class.getName()
                + ".xml"));
        assertTrue(xml.contains("interface=\"org.trusthub.api.security.SecurityProvider\""), xml);
        assertTrue(xml.contains("name=\"trusthub.layer\"") && xml.contains("value=\"APPLICATION\""), xml);
        assertTrue(xml.contains("name=\"trusthub.mechanism\"") && xml.contains("value=\"ace-offload\""), xml);
        assertFalse(xml.contains("EventHandler") || xml.contains("event.topics"),
                "the lifecycle dispatcher calls forget: no event handler of its own");
        // Before activation, and for an unknown thing after it, forget does nothing and does not fail.
        component.forget(ThingId.of("nobody"));
        component.activate(config(dir.resolve("no-crls").toString(), "SHA256withECDSA"), null);
        component.forget(ThingId.of("nobody"));
        assertTrue(component.housekeeping().isEmpty(), component.housekeeping().toString());
    }

    @Test
    void forgettingAThingThatLeftServiceExpelsItFromItsGroupsWhichRekey() {
        component.activate(config(dir.resolve("no-crls").toString(), "SHA256withECDSA"), null);
        ConstrainedDevice a = f.operational("ev-a");
        ConstrainedDevice b = f.operational("ev-b");
        component.requestToken(a.requestToken(b.id(), "read"));
        component.create("g", Set.of(a.id(), b.id()));
        f.registry.transition(a.id(), Transition.MAINTAIN);
        component.forget(a.id());
        assertEquals(Set.of(b.id()), component.group("g").orElseThrow().members());
        assertEquals(2, component.group("g").orElseThrow().epoch());
        assertTrue(component.issuedTokens().isEmpty(), "its token records go");
        // Called again, or for a thing in service, nothing changes: forget reads the state now.
        component.forget(a.id());
        component.forget(b.id());
        assertEquals(2, component.group("g").orElseThrow().epoch());
        // A thing in service that was forgotten (a late call) stays in its groups.
        ConstrainedDevice c = f.operational("ev-c");
        component.join("g", c.id());
        component.forget(c.id());
        assertEquals(Set.of(b.id(), c.id()), component.group("g").orElseThrow().members());
        assertEquals(3, component.group("g").orElseThrow().epoch());
    }

    @Test
    void forgettingARevokedThingPurgesItsReplayStateAndTokens() {
        component.activate(config(dir.resolve("no-crls").toString(), "SHA256withECDSA"), null);
        ConstrainedDevice a = f.operational("rev-a");
        ConstrainedDevice b = f.operational("rev-b");
        component.requestToken(a.requestToken(b.id(), "read"));
        component.create("g", Set.of(a.id(), b.id()));
        f.registry.transition(a.id(), Transition.DECOMMISSION);
        component.forget(a.id());
        assertEquals(1L, component.housekeeping().get("things-revoked"));
        assertEquals(1L, component.housekeeping().get("replay-state-revoked"));
        assertTrue(component.issuedTokens().isEmpty());
        assertEquals(Set.of(b.id()), component.group("g").orElseThrow().members());
    }

    @Test
    void forgettingAfterAKeyRotationDropsTheReplacedKeysWindowAndNumbersStartOver() {
        component.activate(config(dir.resolve("no-crls").toString(), "SHA256withECDSA"), null);
        ConstrainedDevice a = f.operational("rot-a");
        ConstrainedDevice b = f.operational("rot-b");
        for (int i = 0; i < 3; i++) {
            component.requestToken(a.requestToken(b.id(), "read"));
        }
        f.keystore.rotate(a.id(), Layer.APPLICATION);
        // The device model needs the root secret to follow a rotation: re-bootstrap it from the fixture's secret.
        ConstrainedDevice rotated = f.rebootstrapped(a, 2);
        component.forget(a.id());
        assertEquals(1L, component.housekeeping().get("replay-state-rotated"));
        assertFalse(component.issuedTokens().isEmpty(), "a rotation in service keeps the token records");
        rotated.acceptTokenResponse(component.requestToken(rotated.requestToken(b.id(), "read")));
        assertTrue(component.issued().get("token") >= 4);
    }

    @Test
    void groupsAndReplayStateSurviveDeactivationInTheConfiguredStateDirectory() {
        Path state = dir.resolve("state");
        OffloadComponent.Config c = configWithState(state.toString(), dir.resolve("no-crls").toString(),
                "SHA256withECDSA");
        component.activate(c, null);
        ConstrainedDevice a = f.operational("st-a");
        ConstrainedDevice b = f.operational("st-b");
        byte[] rq = a.requestToken(b.id(), "read");
        component.requestToken(rq);
        component.create("g", Set.of(a.id(), b.id()));
        component.deactivate();
        assertTrue(Files.exists(state.resolve("offload.journal")));

        OffloadComponent again = new OffloadComponent();
        again.keystore = f.keystore;
        again.registry = f.registry;
        again.clock = f.clock;
        again.policy = Fixture.ANY;
        again.activate(c, null);
        try {
            assertEquals(Set.of(a.id(), b.id()), again.group("g").orElseThrow().members());
            // The epoch key came back from the keystore: no re-key, members keep what they hold.
            assertEquals(1, again.group("g").orElseThrow().epoch());
            assertEquals(java.util.List.of(1L), again.group("g").orElseThrow().epochsKept());
            assertEquals(Refusal.REPLAYED, assertThrows(OffloadException.class, () -> again.requestToken(rq))
                    .refusal());
        } finally {
            again.deactivate();
        }
    }

    @Test
    void withoutAStateDirectoryOrKarafDataTheHubRunsInMemory() {
        assertEquals(dir.resolve("x"), OffloadComponent.stateDirectory(configWithState(dir.resolve("x").toString(),
                ""), null));
        assertEquals(null, OffloadComponent.stateDirectory(config(""), null));
    }
}
