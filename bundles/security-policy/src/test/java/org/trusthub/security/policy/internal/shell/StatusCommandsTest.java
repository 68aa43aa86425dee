package org.trusthub.security.policy.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trusthub.security.policy.internal.shell.CommandRunner.fail;
import static org.trusthub.security.policy.internal.shell.CommandRunner.run;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.policy.internal.ConfigAdminStub;
import org.trusthub.security.policy.internal.PolicyComponent;
import org.trusthub.security.policy.internal.RefusalLedger;
import org.trusthub.security.policy.internal.SecurityStatusComponent;
import org.trusthub.security.policy.internal.SecurityStatusAccess;

/** trusthub:refusals and trusthub:security-status, against the real keystore and registry. */
class StatusCommandsTest {
    static final Instant ENROLLED = Instant.parse("2026-12-01T08:00:00Z");
    static final Instant NOW = Instant.parse("2026-12-03T11:30:00Z");
    static final ThingId LAMP = ThingId.of("lamp-1");
    static final ThingId SENSOR = ThingId.of("sensor-1");

    @TempDir
    Path dir;
    FileThingKeyStore keyStore;
    ThingRegistryCore registry;
    RefusalLedger ledger;
    PolicyComponent policy;
    SecurityStatusComponent status;
    byte[] secret = new byte[32];

    @BeforeEach
    void setUp() throws Exception {
        Clock enrolled = Clock.fixed(ENROLLED, ZoneOffset.UTC);
        keyStore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"), enrolled,
                FileThingKeyStore.DEFAULT_COUNTER_RESERVATION, e -> {
                });
        registry = new ThingRegistryCore(dir.resolve("registry"), keyStore, LifecycleEventSink.NONE, enrolled);
        new java.security.SecureRandom().nextBytes(secret);
        registry.enroll(LAMP, "owner", RootCredential.secret(secret));
        registry.transition(LAMP, Transition.BOOTSTRAP);
        registry.transition(LAMP, Transition.ACTIVATE);
        keyStore.deriveKey(LAMP, Layer.APPLICATION, "oscore", 16).destroy();

        ledger = SecurityStatusAccess.ledger(Clock.fixed(NOW, ZoneOffset.UTC));
        SecurityStatusAccess.registry(ledger, registry);
        ConfigAdminStub config = new ConfigAdminStub();
        config.file("protect * coap in confidentiality; protect * zigbee in integrity");
        policy = config.activate();
        status = SecurityStatusAccess.status(Clock.fixed(NOW, ZoneOffset.UTC), registry, keyStore, policy, ledger);
    }

    @AfterEach
    void tearDown() {
        registry.close();
        keyStore.close();
    }

    static ProtocolBinding binding(String protocol, boolean simulated, ThingId... things) {
        return new ProtocolBinding() {
            @Override
            public String protocol() {
                return protocol;
            }

            @Override
            public boolean isSimulated() {
                return simulated;
            }

            @Override
            public Set<ThingId> things() {
                return Set.of(things);
            }

            @Override
            public void release(ThingId thing) {
            }
        };
    }

    static SecurityProvider provider(Layer layer, String mechanism, Authenticated... sessions) {
        return new SecurityProvider() {
            @Override
            public Layer layer() {
                return layer;
            }

            @Override
            public String mechanism() {
                return mechanism;
            }

            @Override
            public void forget(ThingId thing) {
            }

            @Override
            public List<Authenticated> sessions(ThingId thing) {
                return List.of(sessions).stream().filter(s -> s.thing().equals(thing)).toList();
            }
        };
    }

    RefusalsCommand refusals(String thing) {
        RefusalsCommand c = new RefusalsCommand();
        c.ledger = ledger;
        c.thing = thing;
        return c;
    }

    SecurityStatusCommand securityStatus(String thing) {
        SecurityStatusCommand c = new SecurityStatusCommand();
        c.status = status;
        c.thing = thing;
        return c;
    }

    @Test
    void refusalsListsCountsPerThingLayerMechanismAndReason() throws Exception {
        assertEquals("No refusals.\n", run(refusals(null)));
        ledger.refused(Optional.of(LAMP), Layer.APPLICATION, "oscore", RefusalReason.REPLAY);
        ledger.refused(Optional.of(LAMP), Layer.APPLICATION, "oscore", RefusalReason.REPLAY);
        ledger.refused(Optional.of(SENSOR), Layer.LINK, "ieee802154-ccm-star", RefusalReason.FORGED);
        String out = run(refusals(null));
        assertEquals(List.of(
                "Thing  | Layer       | Mechanism           | Reason | Count | Last",
                "-------+-------------+---------------------+--------+-------+---------------------",
                "-      | LINK        | ieee802154-ccm-star | FORGED |     1 | 2026-12-03T11:30:00Z",
                "lamp-1 | APPLICATION | oscore              | REPLAY |     2 | 2026-12-03T11:30:00Z"),
                out.lines().map(String::stripTrailing).toList(), out);
        assertEquals(3, run(refusals("lamp-1")).lines().count());
        assertEquals("No refusals for sensor-1.\n", run(refusals("sensor-1")));
        assertTrue(fail(refusals("Lamp\n1")).startsWith("Error: malformed thing id 'Lamp\\u000a1'"));
    }

    @Test
    void securityStatusShowsEveryThingAcrossProtocols() throws Exception {
        SecurityStatusAccess.add(status, binding("coap", false, LAMP));
        SecurityStatusAccess.add(status, binding("zigbee", true, SENSOR));
        SecurityStatusAccess.add(status, provider(Layer.APPLICATION, "oscore", new Authenticated(LAMP,
                Layer.APPLICATION, "oscore", Protection.confidentiality().endToEnd(), "rid-07")));
        SecurityStatusAccess.add(status, provider(Layer.TRANSPORT, "dtls-psk", new Authenticated(LAMP,
                Layer.TRANSPORT, "dtls-psk", Protection.confidentiality(), "s1"), new Authenticated(LAMP,
                        Layer.TRANSPORT, "dtls-psk", Protection.confidentiality(), "s2")));
        ledger.refused(Optional.of(LAMP), Layer.APPLICATION, "oscore", RefusalReason.REPLAY);
        ledger.refused(Optional.of(SENSOR), Layer.LINK, "ieee802154-ccm-star", RefusalReason.FORGED);

        String out = run(securityStatus(null));
        List<String> lines = out.lines().map(String::stripTrailing).toList();
        assertEquals(List.of(
                "Thing    | State       | Protocols          | Required in          | Layer       | Mechanisms | Gen | Key age | Protection now                    | Refusals",
                "---------+-------------+--------------------+----------------------+-------------+------------+-----+---------+-----------------------------------+---------",
                "lamp-1   | OPERATIONAL | coap               | coap confidentiality | LINK        | -          | 1   | 2d 3h   | -                                 | -",
                "         |             |                    |                      | NETWORK     | -          | 1   | 2d 3h   | -                                 | -",
                "         |             |                    |                      | TRANSPORT   | dtls-psk   | 1   | 2d 3h   | dtls-psk confidentiality x2       | -",
                "         |             |                    |                      | APPLICATION | oscore     | 1   | 2d 3h   | oscore confidentiality/end-to-end | REPLAY 1",
                "sensor-1 | -           | zigbee (SIMULATED) | zigbee integrity     | LINK        | -          | -   | -       | -                                 | -",
                "         |             |                    |                      | NETWORK     | -          | -   | -       | -                                 | -",
                "         |             |                    |                      | TRANSPORT   | -          | -   | -       | -                                 | -",
                "         |             |                    |                      | APPLICATION | -          | -   | -       | -                                 | -",
                "Refusals not tied to a known thing: 1 (trusthub:refusals)"), lines, out);
        assertFalse(out.contains(HexFormat.of().formatHex(secret)), "no secret");
        assertFalse(out.contains("rid-07"), "no session ids");

        String one = run(securityStatus("lamp-1"));
        assertEquals(6, one.lines().count(), one);
        assertEquals("Error: no thing nobody in the registry or any binding", fail(securityStatus("nobody")));
    }

    @Test
    void securityStatusSaysWhatIsNotRunning() throws Exception {
        SecurityStatusComponent bare = SecurityStatusAccess.status(Clock.fixed(NOW, ZoneOffset.UTC), null, null, null, null);
        SecurityStatusAccess.add(bare, binding("bluetooth", false, LAMP));
        String out = run(securityStatusOf(bare));
        assertTrue(out.contains("lamp-1 | -     | bluetooth | -           | LINK"), out);
        assertTrue(out.endsWith("Not running, so not shown: thing registry, keystore, security policy, refusal "
                + "count\n"), out);
    }

    static SecurityStatusCommand securityStatusOf(SecurityStatusComponent s) {
        SecurityStatusCommand c = new SecurityStatusCommand();
        c.status = s;
        return c;
    }

    @Test
    void theThingsToCompleteAreTheRegistrysAndEveryBindings() {
        SecurityStatusAccess.add(status, binding("zigbee", true, SENSOR));
        assertEquals(new java.util.TreeSet<>(Set.of(LAMP, SENSOR)), status.things());
    }
}
