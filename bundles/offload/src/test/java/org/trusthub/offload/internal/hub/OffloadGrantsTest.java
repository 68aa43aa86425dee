package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.device.ConstrainedDevice;

/**
 * The grants in Config Admin: what the shell adds is stored and in force at once, a bad entry or a bad stored table
 * changes nothing, and the DS component of the services asks the grants in force.
 */
class OffloadGrantsTest {
    @TempDir
    Path dir;
    Fixture f;
    final ConfigAdminStub configAdmin = new ConfigAdminStub();
    OffloadComponent services;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
    }

    @AfterEach
    void tearDown() {
        if (services != null) {
            services.deactivate();
        }
        f.close();
    }

    private OffloadComponent services(OffloadGrants grants) {
        services = new OffloadComponent();
        services.keystore = f.keystore;
        services.registry = f.registry;
        services.clock = f.clock;
        services.grants = grants;
        services.activate(config(), null);
        return services;
    }

    @Test
    void theServicesRefuseWhatIsNotGrantedUntilTheShellAddsItAndAgainOnceItIsRemoved() throws Exception {
        OffloadGrants grants = configAdmin.activate();
        OffloadComponent s = services(grants);
        ConstrainedDevice sensor = f.operational("sensor-1");
        ConstrainedDevice lock = f.operational("lock-1");
        byte[] rq = sensor.requestToken(lock.id(), "read");
        assertEquals(Refusal.POLICY, assertThrows(OffloadException.class, () -> s.requestToken(rq)).refusal());

        assertTrue(grants.add("token sensor-1  lock-1 read"));
        assertEquals("token sensor-1 lock-1 read", configAdmin.storedGrants());
        sensor.acceptTokenResponse(s.requestToken(rq));

        grants.remove("token sensor-1 lock-1 read");
        assertEquals("", configAdmin.storedGrants());
        assertEquals(Refusal.POLICY, assertThrows(OffloadException.class,
                () -> s.requestToken(sensor.requestToken(lock.id(), "read"))).refusal());
        assertEquals(java.util.Map.of("token", 2L), s.notGranted());
    }

    @Test
    void aLateConfigAdminCallbackNeverPutsAnOlderTableBackInForce() throws Exception {
        OffloadGrants grants = configAdmin.activate();
        grants.add("token sensor-1 lock-1 unlock");
        grants.add("pair lamp-1 sensor-1");
        grants.remove("token sensor-1 lock-1 unlock");
        List<String> now = List.of("pair lamp-1 sensor-1");
        assertEquals(now, grants.table().entries());
        // Config Admin calls back once per update, later, each call carrying the table of its own update: the first
        // one still holds the removed grant. Every call reads what is stored now instead.
        assertEquals(3, configAdmin.deliver());
        assertEquals(now, grants.table().entries(), "the removed grant stays removed");
        assertEquals(Optional.empty(), grants.error());
    }

    @Test
    void theFileChangingTheTableIsWhatIsInForceAfterItsCallback() throws Exception {
        OffloadGrants grants = configAdmin.activate();
        grants.add("pair lamp-1 sensor-1");
        configAdmin.store("token sensor-1 lock-1 read");
        grants.apply();
        assertEquals(List.of("token sensor-1 lock-1 read"), grants.table().entries());
        // The shell builds on what is stored, not on a table of its own.
        grants.add("pair lamp-1 sensor-1");
        assertEquals("token sensor-1 lock-1 read, pair lamp-1 sensor-1", configAdmin.storedGrants());
    }

    @Test
    void aBadEntryFromTheShellIsRefusedAndChangesNothing() throws Exception {
        configAdmin.store("pair lamp-1 sensor-1");
        OffloadGrants grants = configAdmin.activate();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> grants.add("token sensor-1 lock-1"));
        assertTrue(e.getMessage().contains("write: token CLIENT AUDIENCE SCOPE..."), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> grants.add("token a b read, pair a b"));
        assertEquals("no such grant: pair sensor-1 lamp-1", assertThrows(IllegalArgumentException.class,
                () -> grants.remove("pair sensor-1 lamp-1")).getMessage());
        assertEquals(0, configAdmin.updates, "Config Admin untouched");
        assertEquals("pair lamp-1 sensor-1", configAdmin.storedGrants());
        assertEquals(List.of("pair lamp-1 sensor-1"), grants.table().entries());

        assertFalse(grants.add("pair lamp-1 sensor-1"), "already there");
        assertEquals(0, configAdmin.updates);
    }

    @Test
    void aBadTableFromTheFileIsRefusedWholeAndTheGrantsInForceStay() throws Exception {
        configAdmin.store("token sensor-1 lock-1 read, token sensor-1 lamp-1");
        OffloadGrants grants = configAdmin.activate();
        assertTrue(grants.table().isEmpty(), "at start nothing is in force but what parses");
        assertTrue(grants.error().orElseThrow().startsWith("grant 2 ('token sensor-1 lamp-1'): "),
                grants.error().orElseThrow());
        // The shell refuses to build on a table it cannot read.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> grants.add("pair lamp-1 sensor-1"));
        assertTrue(e.getMessage().contains("the stored grants are refused"), e.getMessage());
        assertEquals(0, configAdmin.updates);

        configAdmin.store(new String[] {"token sensor-1 lock-1 read", "pair lamp-1 sensor-1"});
        grants.apply();
        assertEquals(Optional.empty(), grants.error());
        assertEquals(2, grants.table().entries().size());
        configAdmin.store("pair lamp-1 Sensor-1");
        grants.apply();
        assertTrue(grants.error().isPresent());
        assertEquals(List.of("token sensor-1 lock-1 read", "pair lamp-1 sensor-1"), grants.table().entries(),
                "the previous table stays in force");
    }

    private static OffloadComponent.Config config() {
        return new OffloadComponent.Config() {
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
                return 2;
            }

            @Override
            public String[] signatureAlgorithms() {
                return new String[] {"SHA256withECDSA"};
            }

            @Override
            public int minRsaBits() {
                return 2048;
            }

            @Override
            public String crlDirectory() {
                return dirless();
            }

            @Override
            public String stateDirectory() {
                return "";
            }
        };
    }

    private static String dirless() {
        return Path.of(System.getProperty("java.io.tmpdir"), "offload-grants-test-no-crls").toString();
    }
}
