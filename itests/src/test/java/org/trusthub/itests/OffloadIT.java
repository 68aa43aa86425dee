package org.trusthub.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.offload.KeyDistributionService;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.offload.TokenService;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.offload.device.AcceptedToken;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.device.PairGrant;
import org.trusthub.offload.device.SecureChannel;
import org.trusthub.offload.device.TokenGrant;
import org.trusthub.testkit.Await;

/**
 * The hub is central, not a single point of failure: things keyed by the offload services keep exchanging protected
 * messages while the offload bundle stops, and then while every trusthub bundle stops. The devices run inside the
 * container (the Pax Exam probe), so the container itself cannot be stopped under them: stopping every trusthub bundle
 * (api, storage, keystore, registry, shell, offload) stands in for it here; {@link OffloadContainerStopIT} kills a real
 * container process under devices that run outside it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OffloadIT {

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 60_000)
    ThingRegistry registry;

    @Inject
    @Filter(timeout = 60_000)
    TokenService tokens;

    @Inject
    @Filter(timeout = 60_000)
    KeyDistributionService pairwise;

    @Inject
    @Filter(timeout = 60_000)
    GroupKeyService groups;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @Inject
    @Filter(timeout = 60_000)
    ConfigurationAdmin configAdmin;

    static final String POLICY_PID = "org.trusthub.security.policy";

    private final SecureRandom random = new SecureRandom();
    private final List<byte[]> secrets = new ArrayList<>();

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return HubOptions.hub(features("mvn:org.trusthub/trusthub-features/" + System.getProperty("trusthub.version")
                + "/xml/features", "trusthub-offload", "trusthub-offload-device"),
                // trusthub-offload brings the CoAP binding: any free ports, not a running hub's 5683/5684.
                org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut(
                        "etc/org.trusthub.binding.coap.cfg", "port", "0"),
                org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut(
                        "etc/org.trusthub.binding.coap.cfg", "securePort", "0"));
    }

    private ConstrainedDevice operational(String name) {
        byte[] root = new byte[32];
        random.nextBytes(root);
        secrets.add(root);
        ThingId id = ThingId.of(name);
        registry.enroll(id, "itest", RootCredential.secret(root));
        registry.transition(id, Transition.BOOTSTRAP);
        registry.transition(id, Transition.ACTIVATE);
        return ConstrainedDevice.bootstrap(id, root, 1, Clock.systemUTC(), random);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void keyedThingsKeepTalkingWhenTheOffloadBundleAndThenEveryTrusthubBundleStop() throws Exception {
        ConstrainedDevice sensor = operational("it-sensor");
        ConstrainedDevice valve = operational("it-valve");
        ConstrainedDevice lamp = operational("it-lamp");
        ConstrainedDevice maintained = operational("it-maintained");
        registry.transition(maintained.id(), Transition.MAINTAIN);
        // Nothing is issued unless the security policy allows it: the operator allows what these things use.
        FeatureConfigs.applied(configAdmin, POLICY_PID);
        awaitCommand("trusthub:policy-add token it-sensor it-valve write");
        awaitCommand("trusthub:policy-add pair it-lamp it-sensor");

        // Token (ACE/OSCORE profile): sensor -> valve.
        TokenGrant grant = sensor.acceptTokenResponse(tokens.requestToken(sensor.requestToken(valve.id(), "write")));
        AcceptedToken accepted = valve.acceptPostedToken(sensor.postToken(grant));
        SecureChannel sensorToValve = sensor.acceptTokenReply(grant, accepted.reply());
        // Pairwise key: lamp <-> sensor.
        PairGrant lampSide = lamp.acceptPairwiseKey(pairwise.requestPairwiseKey(lamp.requestPairwiseKey(sensor.id())));
        PairGrant sensorSide = sensor.acceptTicket(lamp.forwardTicket(lampSide));
        // Group key: all three.
        groups.create("it-hall", Set.of(sensor.id(), valve.id(), lamp.id()));
        for (ConstrainedDevice d : List.of(sensor, valve, lamp)) {
            assertEquals(1, d.acceptGroupKeys(groups.requestGroupKeys(d.requestGroupKeys("it-hall"))));
        }
        // A thing in maintenance gets nothing.
        try {
            tokens.requestToken(maintained.requestToken(valve.id(), "write"));
            throw new AssertionError("a thing in MAINTENANCE got a token");
        } catch (OffloadException e) {
            assertEquals(Refusal.NOT_OPERATIONAL, e.refusal());
        }

        Shell shell = new Shell(sessionFactory);
        String tokenList = shell.run("trusthub:offload-tokens");
        assertTrue(tokenList, tokenList.contains(grant.tokenId()) && tokenList.contains("it-valve"));
        String groupList = shell.run("trusthub:offload-groups");
        assertTrue(groupList, groupList.contains("it-hall") && groupList.contains("it-lamp"));
        String stats = shell.run("trusthub:offload-stats");
        assertTrue(stats, stats.contains("NOT_OPERATIONAL") && stats.contains("token"));
        for (byte[] secret : secrets) {
            String hex = HexFormat.of().formatHex(secret);
            for (String out : List.of(tokenList, groupList, stats)) {
                assertFalse("a secret reached the console", out.contains(hex));
            }
        }

        // Traffic runs on all three kinds of key while the hub goes away under it.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong rounds = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread traffic = new Thread(() -> {
            try {
                while (running.get()) {
                    long n = rounds.get();
                    byte[] m = utf8("reading " + n);
                    assertArrayEquals(m, accepted.channel().unprotect(sensorToValve.protect(m)));
                    assertArrayEquals(m, sensorSide.channel().unprotect(lampSide.channel().protect(m)));
                    assertArrayEquals(m, valve.unprotectGroup("it-hall", lamp.protectGroup("it-hall", m)));
                    rounds.incrementAndGet();
                    Thread.sleep(2);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "offload-it-traffic");
        traffic.start();
        awaitRounds(rounds, 20, failure);

        Bundle offload = bundle("org.trusthub.offload");
        offload.stop();
        assertNull("the token service is gone", context.getServiceReference(TokenService.class));
        long atOffloadStop = rounds.get();
        awaitRounds(rounds, atOffloadStop + 50, failure);

        List<Bundle> ours = Arrays.stream(context.getBundles())
                .filter(b -> String.valueOf(b.getSymbolicName()).startsWith("org.trusthub"))
                // the devices' own library (trusthub-offload-device) is theirs, not the hub's
                .filter(b -> !"org.trusthub.offload.device".equals(b.getSymbolicName()))
                .sorted(Comparator.comparingLong(Bundle::getBundleId).reversed()).toList();
        for (Bundle b : ours) {
            b.stop();
        }
        for (Bundle b : ours) {
            assertEquals(b.getSymbolicName() + " stopped", Bundle.RESOLVED, b.getState());
        }
        assertNull("the registry is gone", context.getServiceReference(ThingRegistry.class));
        long atAllStop = rounds.get();
        awaitRounds(rounds, atAllStop + 50, failure);

        running.set(false);
        traffic.join(10_000);
        if (failure.get() != null) {
            throw new AssertionError("traffic failed", failure.get());
        }
        for (ConstrainedDevice d : List.of(sensor, valve, lamp)) {
            assertEquals(d.id() + " did public-key work: " + d.counter(), 0, d.counter().snapshot().publicKey());
        }
        System.out.println("OffloadIT: " + rounds.get() + " rounds; " + (atOffloadStop) + " before the offload bundle "
                + "stopped, " + (atAllStop - atOffloadStop) + " with it stopped, " + (rounds.get() - atAllStop)
                + " with every trusthub bundle stopped; sensor " + sensor.counter());

        List<Bundle> startOrder = new ArrayList<>(ours);
        java.util.Collections.reverse(startOrder);
        for (Bundle b : startOrder) {
            b.start();
        }
    }

    @Test
    public void groupEpochsComeBackFromTheKeystoreWhenTheOffloadBundleRestarts() throws Exception {
        ConstrainedDevice a = operational("it-porch-a");
        ConstrainedDevice b = operational("it-porch-b");
        ConstrainedDevice c = operational("it-porch-c");
        groups.create("it-porch", Set.of(a.id(), b.id()));
        assertEquals(2, groups.join("it-porch", c.id()).epoch());
        byte[] fetched = a.requestGroupKeys("it-porch");
        a.acceptGroupKeys(groups.requestGroupKeys(fetched));
        byte[] before = a.protectGroup("it-porch", utf8("before the restart"));

        Bundle offload = bundle("org.trusthub.offload");
        offload.stop();
        offload.start();
        GroupKeyService again = awaitService(GroupKeyService.class);
        org.trusthub.api.offload.GroupInfo g = again.group("it-porch").orElseThrow();
        assertEquals("no re-key at start", 2, g.epoch());
        assertEquals(List.of(1L, 2L), g.epochsKept());
        // b never fetched before the restart: the restarted hub hands it the very key a used before
        b.acceptGroupKeys(again.requestGroupKeys(b.requestGroupKeys("it-porch")));
        assertArrayEquals(utf8("before the restart"), b.unprotectGroup("it-porch", before));
        try {
            again.requestGroupKeys(fetched);
            throw new AssertionError("a request taken before the restart was taken again");
        } catch (OffloadException e) {
            assertEquals(Refusal.REPLAYED, e.refusal());
        }
        String list = awaitCommand("trusthub:offload-groups");
        assertTrue(list, list.contains("stored keys of the keystore") && list.matches("(?s).*it-porch.*2 of 2.*"));
        for (byte[] secret : secrets) {
            assertFalse("a secret reached the console", list.contains(HexFormat.of().formatHex(secret)));
        }
        assertTrue(again.delete("it-porch"));
    }

    @Test
    public void aPolicyRuleAddedFromTheConsoleLetsAThingGetATokenAndWithoutThePolicyNothingIsIssued()
            throws Exception {
        ConstrainedDevice sensor = operational("it-door-sensor");
        ConstrainedDevice door = operational("it-door");
        ConstrainedDevice keypad = operational("it-door-keypad");
        FeatureConfigs.applied(configAdmin, POLICY_PID);
        TokenService service = awaitService(TokenService.class);
        assertRefused(Refusal.POLICY, () -> service.requestToken(sensor.requestToken(door.id(), "unlock")));

        String added = awaitCommand("trusthub:policy-add token it-door-sensor it-door unlock");
        assertTrue(added, added.contains("Added: token it-door-sensor it-door unlock"));
        Shell shell = new Shell(sessionFactory);
        // A wildcard, quoted as README says.
        String wildcard = shell.run("trusthub:policy-add pair it-door-sensor \"*\"");
        assertTrue(wildcard, wildcard.contains("Added: pair it-door-sensor *"));
        shell.run("trusthub:policy-add token it-door-keypad it-door unlock");
        sensor.acceptTokenResponse(service.requestToken(sensor.requestToken(door.id(), "unlock")));
        assertRefused(Refusal.POLICY, () -> service.requestToken(sensor.requestToken(door.id(), "unlock open")));

        // The policy bundle stops: offload refuses (fail closed) without restarting, and asks the new one at once.
        Bundle policy = bundle("org.trusthub.security.policy");
        policy.stop();
        assertRefused(Refusal.POLICY, () -> service.requestToken(keypad.requestToken(door.id(), "unlock")));
        policy.start();
        awaitService(org.trusthub.api.security.SecurityPolicy.class);
        keypad.acceptTokenResponse(service.requestToken(keypad.requestToken(door.id(), "unlock")));

        // The offload bundle restarts: it finds the policy again.
        Bundle offload = bundle("org.trusthub.offload");
        offload.stop();
        offload.start();
        TokenService again = awaitService(TokenService.class);
        keypad.acceptTokenResponse(again.requestToken(keypad.requestToken(door.id(), "unlock")));

        String removed = awaitCommand("trusthub:policy-remove token it-door-keypad it-door unlock");
        assertTrue(removed, removed.contains("Removed: token it-door-keypad it-door unlock"));
        shell.run("trusthub:policy-remove token it-door-sensor it-door unlock");
        shell.run("trusthub:policy-remove pair it-door-sensor \"*\"");
        assertRefused(Refusal.POLICY, () -> again.requestToken(keypad.requestToken(door.id(), "unlock")));
        String stats = shell.run("trusthub:offload-stats");
        assertTrue(stats, stats.matches("(?s).*security policy[^\\n]*\\n\\s+token\\s+1\\n.*"));
        assertFalse(shell.run("trusthub:policy-list").contains("it-door"));
        String refusals = shell.run("trusthub:refusals it-door-keypad");
        assertTrue(refusals, refusals.contains("ace-offload") && refusals.contains("POLICY"));
    }

    private static void assertRefused(Refusal expected, Runnable request) {
        try {
            request.run();
        } catch (OffloadException e) {
            assertEquals(e.getMessage(), expected, e.refusal());
            return;
        }
        throw new AssertionError("not refused: expected " + expected);
    }

    private <T> T awaitService(Class<T> type) throws Exception {
        return Await.until(type.getSimpleName() + " to come back", Duration.ofSeconds(60), () -> {
            org.osgi.framework.ServiceReference<T> ref = context.getServiceReference(type);
            return ref == null ? null : context.getService(ref);
        }, java.util.Objects::nonNull);
    }

    // The bundle's console commands register again shortly after it starts.
    private String awaitCommand(String command) throws Exception {
        return Await.until("'" + command + "' to run", Duration.ofSeconds(60),
                () -> new Shell(sessionFactory).run(command), out -> true, AssertionError.class::isInstance);
    }

    private static void awaitRounds(AtomicLong rounds, long target, AtomicReference<Throwable> failure)
            throws Exception {
        Await.until("traffic to reach " + target + " rounds", Await.DEFAULT_TIMEOUT, rounds::get,
                n -> n >= target || failure.get() != null);
        if (failure.get() != null) {
            throw new AssertionError("traffic failed after " + rounds.get() + " rounds", failure.get());
        }
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow();
    }
}
