package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Properties;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.KarafDistributionOption;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.network.zigbee.KeyId;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeAuxHeader;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeFrame;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;
import org.trusthub.testkit.Await;

/** The two boots of {@link ZigbeeRestartIT}; run only from there, which hands them the shared state directory. */
public final class ZigbeeRestartBoots {

    static final String STATE = "trusthub.itest.zigbeeRestartState";
    static final String RECORD = "zigbee-first-boot.properties";

    private static final long A = 0x00124B0000000A01L;
    private static final ThingId DEVICE = ThingId.of("zigbee:00124b0000000a01");
    private static final String CODE_A = "83FED3407A939723A5C639B26916D505C3B5";

    private ZigbeeRestartBoots() {
    }

    static Option[] options() {
        return TwoBoots.options(STATE, "ZigbeeRestartIT",
                KarafDistributionOption.editConfigurationFileExtend("etc/org.apache.karaf.features.cfg",
                        "featuresBoot", "trusthub-zigbee"));
    }

    abstract static class Boot {
        @Inject
        BundleContext context;

        @Inject
        @Filter(timeout = 60_000)
        ThingRegistry registry;

        @Inject
        @Filter(timeout = 60_000)
        ThingKeyStore keyStore;

        @Inject
        @Filter(timeout = 60_000)
        SecurityRefusals refusals;

        /** The NWK provider's replay refusals, as the hub's refusal count holds them. */
        long replaysRefused() {
            return refusals.counts().stream().filter(c -> c.mechanism().equals(ZigbeeNwkSecurity.MECHANISM)
                    && c.reason() == RefusalReason.REPLAY).mapToLong(RefusalCount::count).sum();
        }

        @org.ops4j.pax.exam.Configuration
        public Option[] configuration() {
            return options();
        }

        Path state() {
            return Path.of(System.getProperty(STATE));
        }

        <T> T await(Class<T> type, Object notThis) throws Exception {
            return Await.until((notThis == null ? "" : "another ") + type.getSimpleName(), Duration.ofSeconds(60),
                    () -> {
                        ServiceReference<T> ref = context.getServiceReference(type);
                        return ref == null ? null : context.getService(ref);
                    }, service -> service != null && service != notThis);
        }

        ThingId network(ZigbeeBridge bridge) {
            return ThingId.of(String.format("zigbee-network:%016x", bridge.extendedPanId()));
        }

        /** The hub's durable mark for the device under the current network key. */
        long mark(ZigbeeBridge bridge) {
            DerivedKey key = keyStore.deriveKey(network(bridge), Layer.NETWORK, ZigbeeNwkSecurity.MECHANISM, 16);
            try {
                return keyStore.replayMark(key, ReplayMarks.fromAddress(A));
            } finally {
                key.destroy();
            }
        }

        /**
         * The device going on: the captured frame's content with a higher counter, secured with the network key the
         * device holds (taken here from the keystore, the device's copy being in the simulation that did not survive).
         */
        byte[] fresh(ZigbeeBridge bridge, byte[] captured, long counter) throws Exception {
            DerivedKey key = keyStore.deriveKey(network(bridge), Layer.NETWORK, ZigbeeNwkSecurity.MECHANISM, 16);
            byte[] bytes = key.bytes();
            CcmStar ccm = new CcmStar(bytes);
            try {
                ZigbeeFrame<NwkHeader> old = ZigbeeCodec.parseNwk(captured);
                byte[] payload = ZigbeeCodec.openNwk(old, ccm).payload();
                return ZigbeeCodec.protectNwk(old.header(), new ZigbeeAuxHeader(KeyId.NETWORK_KEY, counter,
                        old.aux().source(), old.aux().keySequence()), payload, ccm);
            } finally {
                ccm.destroy();
                key.destroy();
                Arrays.fill(bytes, (byte) 0);
            }
        }

        static long counter(byte[] frame) throws Exception {
            return ZigbeeCodec.parseNwk(frame).aux().frameCounter();
        }
    }

    @RunWith(PaxExam.class)
    @ExamReactorStrategy(PerClass.class)
    public static class FirstBoot extends Boot {

        @Test
        public void capturesAFrameAndRestartsTheZigbeeBundles() throws Exception {
            ZigbeeBridge bridge = await(ZigbeeBridge.class, null);
            SimulatedZigbeeNetwork sim = await(SimulatedZigbeeNetwork.class, null);
            bridge.commission(A, CODE_A, "alice");
            bridge.permitJoin(120);
            sim.addDevice(A, CODE_A);
            assertTrue(sim.join(A));
            assertEquals(LifecycleState.OPERATIONAL, registry.get(DEVICE).state());
            assertTrue(sim.reportTemperature(A, 19.5));
            byte[] captured = sim.lastFrame(A).orElseThrow();
            assertFalse("a replay is refused while the hub runs", sim.injectFrame(captured));

            // Restart the ZigBee bundles (the NWK/APS providers and the bridge); the keystore stays up.
            Bundle provider = FrameworkUtil.getBundle(ZigbeeNwkSecurity.class);
            Bundle binding = FrameworkUtil.getBundle(ZigbeeBridge.class);
            binding.stop();
            // The device's own last frame, not the captured one: the thing model reads the device's values in the
            // background after it joins, so its read responses may have carried later counters than the capture.
            long lastSent = counter(sim.lastFrame(A).orElseThrow());
            provider.stop();
            provider.start();
            binding.start();
            SimulatedZigbeeNetwork restarted = await(SimulatedZigbeeNetwork.class, sim);
            ZigbeeBridge bridgeAgain = await(ZigbeeBridge.class, bridge);
            assertNotSame(sim, restarted);
            long refused = replaysRefused();
            assertFalse("the frame captured before the bundle restart is refused after it",
                    restarted.injectFrame(captured));
            assertEquals(refused + 1, replaysRefused());
            // The simulated device comes back from its memory and announces itself on the restarted network with
            // counters past a block it reserved, and the model reads it again: the next frame goes past all of that.
            Await.until("the device back on the restarted network", Duration.ofSeconds(60), () -> {
                try {
                    return restarted.lastFrame(A).isPresent();
                } catch (IllegalArgumentException notYetRestored) {
                    return false;
                }
            });
            long sinceRestart = counter(restarted.lastFrame(A).orElseThrow());
            byte[] next = fresh(bridgeAgain, captured,
                    Math.max(Math.max(counter(captured), lastSent), sinceRestart) + 100);
            assertTrue("the device's next frame goes in after the bundle restart", restarted.injectFrame(next));
            assertTrue(bridgeAgain.device(DEVICE).orElseThrow().joined());

            Properties record = new Properties();
            record.setProperty("captured", HexFormat.of().formatHex(captured));
            record.setProperty("last.accepted", Long.toString(counter(next)));
            TwoBoots.store(state().resolve(RECORD), record, "what the first boot captured on the air and accepted");
        }
    }

    @RunWith(PaxExam.class)
    @ExamReactorStrategy(PerClass.class)
    public static class SecondBoot extends Boot {

        @Test
        public void refusesTheCapturedFrameAndAcceptsFreshOnes() throws Exception {
            Properties record = TwoBoots.load(state().resolve(RECORD));
            byte[] captured = HexFormat.of().parseHex(record.getProperty("captured"));
            long lastAccepted = Long.parseLong(record.getProperty("last.accepted"));

            ZigbeeBridge bridge = await(ZigbeeBridge.class, null);
            SimulatedZigbeeNetwork sim = await(SimulatedZigbeeNetwork.class, null);
            assertEquals(LifecycleState.OPERATIONAL, registry.get(DEVICE).state());
            long mark = mark(bridge);
            // a clean stop writes the exact mark; after a crash it lies up to one block above
            assertTrue("the durable mark " + mark + " covers the last frame accepted, " + lastAccepted,
                    mark >= lastAccepted);

            assertFalse("the frame captured before the hub restart is refused after it", sim.injectFrame(captured));
            assertTrue(replaysRefused() >= 1);
            assertFalse("so is the last one accepted before it",
                    sim.injectFrame(fresh(bridge, captured, lastAccepted)));
            byte[] next = fresh(bridge, captured, mark + 1);
            assertTrue("a fresh frame goes in after the hub restart", sim.injectFrame(next));
            assertTrue(bridge.device(DEVICE).orElseThrow().joined());
            assertFalse("and is not accepted twice", sim.injectFrame(next));
        }
    }
}
