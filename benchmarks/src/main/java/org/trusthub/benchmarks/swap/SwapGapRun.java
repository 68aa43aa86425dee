package org.trusthub.benchmarks.swap;

import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.coap.internal.CoapBindingComponent;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.RawValueStore;
import org.trusthub.security.oscore.OscoreIds;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.ThingPsk;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;
import org.trusthub.testkit.Await;
import org.trusthub.testkit.coap.DtlsValueChannel;
import org.trusthub.testkit.coap.OscoreValueChannel;
import org.trusthub.testkit.load.LoadDriver;
import org.trusthub.testkit.load.NonceLedger;

/**
 * The gap in service while the CoAP binding and its providers are swapped under load, on loopback against the hub's
 * real components (keystore, registry, DTLS and OSCORE providers, binding with its values on disk), wired by hand
 * as Declarative Services wires them. A swap is what {@code bundle:update} does to a component: the old one is
 * unbound and deactivated, a new one is made and bound; for the binding, its ports and the model's value store stay.
 * Bundle class loading is not part of it (the Pax Exam test {@code SwapUnderLoadIT} does real updates).
 *
 * <p>Things write their value with the testkit's load driver (DTLS with PSK, and OSCORE), as many as {@code things}
 * of each; per swap it prints, per protocol, the longest gap without an acknowledged message, the messages under way
 * when the swap began, the attempts that went unanswered, and the time from the swap's end to the first acknowledged
 * message; then the counts (lost must be 0), replays of recorded OSCORE messages (refused), and reused nonces (none).
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.trusthub.benchmarks.swap.SwapGapRun [rounds] [things]}
 */
public final class SwapGapRun {

    private final Path dir;
    private final FileThingKeyStore keys;
    private final ThingRegistryCore registry;
    private DtlsComponent dtls;
    private OscoreComponent oscore;
    private CoapBindingComponent binding;
    /** The thing model's store of the values things write: it outlives every binding swap, as in the hub. */
    private final RawValueStore values;
    private final int plainPort;
    private final int securePort;

    private SwapGapRun(Path dir) throws Exception {
        this.dir = dir;
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
        dtls = new DtlsComponent(keys, registry);
        oscore = new OscoreComponent(keys, registry);
        values = RawValueStore.open(dir.resolve("values"), Clock.systemUTC());
        binding = CoapTestPeers.binding(registry, dtls, oscore, config(0, 0), new TestPolicy());
        binding.bindValues(values);
        plainPort = binding.plainAddress().orElseThrow().getPort();
        securePort = binding.secureAddress().orElseThrow().getPort();
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int things = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        SwapGapRun run = new SwapGapRun(Files.createTempDirectory("trusthub-swap-gap"));
        try {
            run.run(rounds, things);
        } finally {
            run.binding.deactivate();
            run.values.close();
            run.oscore.deactivate();
            run.registry.close();
            run.keys.close();
        }
        System.exit(0);
    }

    private void run(int rounds, int things) throws Exception {
        NonceLedger ledger = new NonceLedger();
        InetSocketAddress plain = new InetSocketAddress(InetAddress.getLoopbackAddress(), plainPort);
        InetSocketAddress secure = new InetSocketAddress(InetAddress.getLoopbackAddress(), securePort);
        Map<String, List<LoadDriver.Gap>> gaps = new LinkedHashMap<>();
        System.out.printf("Swap gap run: %d rounds, %d DTLS and %d OSCORE things writing on loopback, JDK %s%n",
                rounds, things, things, System.getProperty("java.version"));
        try (LoadDriver driver = new LoadDriver(Duration.ofMillis(2))) {
            for (int i = 0; i < things; i++) {
                ThingId d = operational("swap-dtls-" + i);
                driver.add(new DtlsValueChannel(secure, d.value(), ThingPsk.identity(d), ThingPsk.secret(keys, d),
                        "level", ledger));
                ThingId o = operational("swap-oscore-" + i);
                DerivedKey key = OscoreIds.masterSecret(keys, o);
                byte[] secret = key.bytes();
                key.destroy();
                driver.add(new OscoreValueChannel(plain, o.value(), secret, OscoreIds.thingSenderId(o),
                        OscoreIds.hubSenderId(), "level", ledger));
            }
            driver.start();
            Await.until("every thing answered", Duration.ofSeconds(30),
                    () -> driver.total().acknowledged() >= 10L * things);
            driver.check();
            for (int round = 0; round < rounds; round++) {
                swap(driver, gaps, "binding update", this::updateBinding);
                swap(driver, gaps, "OSCORE provider update", this::updateOscore);
                swap(driver, gaps, "DTLS provider update", this::updateDtls);
            }
            driver.check();

            System.out.println();
            System.out.printf("%-24s %-12s %10s %10s %10s %12s %12s%n", "swap", "protocol", "gap max", "gap median",
                    "in flight", "unanswered", "1st ok max");
            for (Map.Entry<String, List<LoadDriver.Gap>> e : gaps.entrySet()) {
                for (String protocol : List.of("coap-dtls", "coap-oscore")) {
                    List<LoadDriver.Gap> g = e.getValue().stream().filter(x -> x.protocol().equals(protocol))
                            .sorted(Comparator.comparing(LoadDriver.Gap::gap)).toList();
                    System.out.printf("%-24s %-12s %8d ms %8d ms %10d %12d %9d ms%n", e.getKey(), protocol,
                            g.get(g.size() - 1).gap().toMillis(), g.get(g.size() / 2).gap().toMillis(),
                            g.stream().mapToInt(LoadDriver.Gap::inFlight).sum(),
                            g.stream().mapToInt(LoadDriver.Gap::unanswered).sum(),
                            g.stream().map(LoadDriver.Gap::toFirstSuccess).max(Comparator.naturalOrder())
                                    .orElseThrow().toMillis());
                }
            }
            System.out.println();
            System.out.print(driver.report());
            System.out.printf("nonces recorded %d, reused %s%n", ledger.recorded(), ledger.reuses());
            LoadDriver.Tally total = driver.total();
            if (total.lost() != 0 || total.replaysAccepted() != 0 || !ledger.reuses().isEmpty()) {
                throw new AssertionError("lost " + total.lost() + ", replays accepted " + total.replaysAccepted()
                        + ", nonces reused " + ledger.reuses());
            }
        }
    }

    private interface Swap {
        void run() throws Exception;
    }

    private static void swap(LoadDriver driver, Map<String, List<LoadDriver.Gap>> gaps, String what, Swap swap)
            throws Exception {
        // Under way for a while first, so that each swap starts from steady traffic.
        long acked = driver.total().acknowledged();
        Await.until("traffic before " + what, Duration.ofSeconds(30), () -> driver.total().acknowledged() > acked + 20);
        LoadDriver.Swap s = driver.begin(what);
        swap.run();
        LoadDriver.Swap ended = driver.end(s);
        try {
            Await.until("traffic again after " + what, Duration.ofSeconds(60), () -> driver.answeredSince(ended));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; silent: " + driver.silentSince(ended), e);
        }
        List<LoadDriver.Gap> g = driver.gaps(ended);
        gaps.computeIfAbsent(what, k -> new ArrayList<>()).addAll(g);
        driver.check();
    }

    /** What bundle:update does to the binding: the old one stops, a new one starts on the same ports and values. */
    private void updateBinding() throws Exception {
        binding.deactivate();
        binding = CoapTestPeers.binding(registry, dtls, oscore, config(plainPort, securePort), new TestPolicy());
        binding.bindValues(values);
    }

    private void updateOscore() {
        OscoreComponent old = oscore;
        binding.unbindOscore(old);
        old.deactivate();
        oscore = new OscoreComponent(keys, registry);
        binding.bindOscore(oscore);
    }

    private void updateDtls() {
        binding.unbindDtls(dtls);
        dtls = new DtlsComponent(keys, registry);
        binding.bindDtls(dtls);
    }

    private ThingId operational(String id) {
        ThingId thing = ThingId.of(id);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        registry.enroll(thing, "bench", RootCredential.secret(secret));
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
        return thing;
    }

    private static CoapBindingComponent.Config config(int port, int securePort) {
        return new CoapBindingComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CoapBindingComponent.Config.class;
            }

            @Override
            public String address() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public int securePort() {
                return securePort;
            }

            @Override
            public boolean oscore() {
                return true;
            }

            @Override
            public boolean dtlsPsk() {
                return true;
            }

            @Override
            public boolean dtlsRawPublicKey() {
                return false;
            }

            @Override
            public boolean dtlsX509() {
                return false;
            }

            @Override
            public int dtlsConnectionIdLength() {
                return 6;
            }

            @Override
            public int dtlsMaxConnections() {
                return 1000;
            }

            @Override
            public int maxRegistrations() {
                return 100;
            }

            @Override
            public long readTimeoutMillis() {
                return 5000;
            }
        };
    }
}
