package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Properties;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeyStatus;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;

/** The two boots of {@link RestartIT}; run only from there, which hands them the shared state directory. */
public final class RestartBoots {

    static final String STATE = "trusthub.itest.restartState";
    static final String RECORD = "first-boot.properties";

    private static final ThingId THING = ThingId.of("itest-restart-1");
    private static final String MECHANISM = "ieee802154-ccm-star";
    private static final long COUNTER_LIMIT = 0xFFFFFFFFL;

    private RestartBoots() {
    }

    /** The hub, with the trusthub state in the shared directory, laid out as in the distribution. */
    static Option[] options() {
        return TwoBoots.options(STATE, "RestartIT");
    }

    abstract static class Boot {
        @Inject
        @Filter(timeout = 60_000)
        ThingRegistry registry;

        @Inject
        @Filter(timeout = 60_000)
        ThingKeyStore keyStore;

        @Inject
        @Filter(timeout = 60_000)
        SessionFactory sessionFactory;

        @org.ops4j.pax.exam.Configuration
        public Option[] configuration() {
            return options();
        }

        Path state() {
            return Path.of(System.getProperty(STATE));
        }

        String hubFingerprintFromShell() throws Exception {
            String out = new Shell(sessionFactory).run("trusthub:hub-identity");
            return out.lines().filter(l -> l.startsWith("SHA-256:")).map(l -> l.substring(8).strip()).findFirst()
                    .orElseThrow(() -> new AssertionError("no SHA-256 line in:\n" + out));
        }

        String derivedKeyDigest() throws Exception {
            DerivedKey key = keyStore.deriveKey(THING, Layer.LINK, MECHANISM, 16);
            try {
                byte[] bytes = key.bytes();
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } finally {
                key.destroy();
            }
        }
    }

    @RunWith(PaxExam.class)
    @ExamReactorStrategy(PerClass.class)
    public static class FirstBoot extends Boot {

        @Test
        public void leavesAThingKeysAndCountersBehind() throws Exception {
            Path masterKey = state().resolve("etc/trusthub/master.key");
            assertTrue("the configured master key file was made at first start", Files.isRegularFile(masterKey));
            assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(masterKey));

            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            registry.enroll(THING, "frank", RootCredential.secret(secret));
            registry.transition(THING, Transition.BOOTSTRAP);
            Thing thing = registry.transition(THING, Transition.ACTIVATE);
            assertEquals(2, keyStore.rotate(THING, Layer.LINK));
            long last = -1;
            for (int i = 0; i < 3; i++) {
                last = keyStore.nextCounter(THING, Layer.LINK, MECHANISM, COUNTER_LIMIT);
            }

            Properties record = new Properties();
            record.setProperty("hub.sha256", hubFingerprintFromShell());
            record.setProperty("thing.changed", thing.changed().toString());
            record.setProperty("thing.enrolled", thing.enrolled().toString());
            record.setProperty("key.sha256", derivedKeyDigest());
            record.setProperty("counter.last", Long.toString(last));
            TwoBoots.store(state().resolve(RECORD), record, "what the first boot left behind");
        }
    }

    @RunWith(PaxExam.class)
    @ExamReactorStrategy(PerClass.class)
    public static class SecondBoot extends Boot {

        @Test
        public void findsEverythingTheFirstBootLeft() throws Exception {
            Properties record = TwoBoots.load(state().resolve(RECORD));

            assertEquals("the hub identity is the same certificate", record.getProperty("hub.sha256"),
                    hubFingerprintFromShell());

            Thing thing = registry.get(THING);
            assertEquals(LifecycleState.OPERATIONAL, thing.state());
            assertEquals("frank", thing.owner());
            assertEquals(record.getProperty("thing.enrolled"), thing.enrolled().toString());
            assertEquals(record.getProperty("thing.changed"), thing.changed().toString());
            String list = new Shell(sessionFactory).run("trusthub:thing-list");
            assertTrue(list, list.contains(THING.value()) && list.contains("OPERATIONAL"));

            KeyMetadata keys = keyStore.metadata(THING);
            assertEquals(KeyStatus.ACTIVE, keys.status());
            for (LayerKeyMetadata layer : keys.layers()) {
                assertEquals("generation of " + layer.layer(), layer.layer() == Layer.LINK ? 2 : 1,
                        layer.generation());
            }
            assertEquals("the same key is derived after the restart", record.getProperty("key.sha256"),
                    derivedKeyDigest());
            long next = keyStore.nextCounter(THING, Layer.LINK, MECHANISM, COUNTER_LIMIT);
            assertTrue("counter " + next + " must not repeat a value handed out before the restart",
                    next > Long.parseLong(record.getProperty("counter.last")));
        }
    }
}
