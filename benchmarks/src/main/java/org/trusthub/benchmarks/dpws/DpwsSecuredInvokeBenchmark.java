package org.trusthub.benchmarks.dpws;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.DeviceHost;
import org.trusthub.binding.dpws.internal.DpwsStack;
import org.trusthub.binding.dpws.internal.DpwsVersion;
import org.trusthub.binding.dpws.internal.MessageSecurity;
import org.trusthub.binding.dpws.internal.SoapMessage;
import org.trusthub.binding.dpws.internal.ThingSource;
import org.trusthub.binding.dpws.internal.Xml;
import org.trusthub.binding.dpws.internal.wss.WsSecurityBridge;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.benchmarks.wss.Registries;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.wss.internal.WsSecurityComponent;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The same DPWS invoke (GetStatus of a hosted thing, hub A to hub B on loopback) plain, signed (ECDSA P-256
 * SHA-256 with a Timestamp) and signed+encrypted (AES-128-GCM, ECDH-ES), through the real WS-Security provider
 * of security-wss. The setup prints the bytes on the wire of one request and one response per policy.
 * {@code invokeOverHttp} is the whole exchange; {@code secureThenVerify} only A's securing and B's verifying
 * of one request (sign+verify, or sign+encrypt+decrypt+verify), no network.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DpwsSecuredInvokeBenchmark {

    static final ThingId LAMP = ThingId.of("lamp-bench-1");
    static final ThingId HUB_A = ThingId.of("hub-a");

    @Param({"plain", "sign", "sign,encrypt"})
    String policy;

    Path dir;
    FileThingKeyStore keysA;
    FileThingKeyStore keysB;
    ThingRegistryCore registryA;
    ThingRegistryCore registryB;
    SoapSecurity a;
    SoapSecurity b;
    DpwsStack hubA;
    DpwsStack hubB;
    String device;
    String service;
    ThingId deviceThing;
    Element payload;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("dpws-bench");
        keysA = FileThingKeyStore.open(dir.resolve("a/store"), dir.resolve("a/master.key"));
        keysB = FileThingKeyStore.open(dir.resolve("b/store"), dir.resolve("b/master.key"));
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        registryA = Registries.open(dir.resolve("a/registry"), keysA);
        registryB = Registries.open(dir.resolve("b/registry"), keysB);
        Registries.operational(registryB, LAMP, RootCredential.secret(secret));
        Registries.operational(registryB, HUB_A, RootCredential.certificate(keysA.hubIdentity().certificate()));
        ThingSource things = new ThingSource() {
            @Override
            public List<ThingId> hosted() {
                return List.of(LAMP);
            }

            @Override
            public Optional<String> state(ThingId thing) {
                return Optional.of("OPERATIONAL");
            }
        };
        b = new WsSecurityBridge(new WsSecurityComponent(keysB, registryB, config()));
        hubB = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, false, true, "hub-b",
                Duration.ofSeconds(5)), things, new MessageSecurity(() -> b, () -> policyOf(policy), () -> null));
        hubB.start();
        deviceThing = ThingId.of("dpws:" + hubB.host().deviceFor(LAMP).uuid());
        Registries.operational(registryA, deviceThing, RootCredential.certificate(keysB.hubIdentity().certificate()));
        a = new WsSecurityBridge(new WsSecurityComponent(keysA, registryA, config()));
        hubA = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, true, false, "hub-a",
                Duration.ofSeconds(5)), things, new MessageSecurity(() -> a, () -> policyOf(policy), () -> null));
        hubA.start();
        hubA.client().probe(List.of(), new InetSocketAddress(InetAddress.getLoopbackAddress(), hubB.discoveryPort()),
                Duration.ofSeconds(1));
        device = hubB.host().deviceFor(LAMP).address();
        service = hubA.client().fetchMetadata(device).metadata().services().get(0).address();
        payload = Xml.newDocument().createElementNS(DeviceHost.TH, "th:GetStatus");

        SoapMessage req = request();
        a.secure(req.doc, deviceThing, required(policy));
        int requestBytes = req.bytes().length;
        SoapMessage resp = SoapMessage.create(DpwsVersion.DPWS_2009, DeviceHost.GET_STATUS_RESPONSE, null,
                req.messageId());
        Element st = Xml.add(resp.body, DeviceHost.TH, "th:Status");
        Xml.add(st, DeviceHost.TH, "th:Thing", LAMP.value());
        Xml.add(st, DeviceHost.TH, "th:State", "OPERATIONAL");
        Xml.declareNamespaces(resp.doc);
        b.secure(resp.doc, HUB_A, required(policy));
        System.out.println("DPWS invoke, policy " + policy + ": request " + requestBytes + " bytes, response "
                + resp.bytes().length + " bytes on the wire (SOAP envelopes)");
    }


    /** What the benchmark's policy word asks the security policy to require, end to end. */
    static Protection required(String policy) {
        return switch (policy) {
            case "plain" -> Protection.NONE;
            case "sign" -> Protection.integrity().endToEnd();
            default -> Protection.confidentiality().endToEnd();
        };
    }

    /** A security policy that requires {@code policy} of every thing and grants every read and write. */
    static SecurityPolicy policyOf(String policy) {
        Protection p = required(policy);
        return new SecurityPolicy() {
            @Override
            public Protection inbound(ThingId thing, String protocol) {
                return p;
            }

            @Override
            public Protection outbound(ThingId thing, String protocol) {
                return p;
            }

            @Override
            public boolean mayRead(ThingId caller, ThingId target, String property) {
                return true;
            }

            @Override
            public boolean mayWrite(ThingId caller, ThingId target, String property) {
                return true;
            }

            @Override
            public boolean mayRequestToken(ThingId client, ThingId audience, java.util.Set<String> scopes) {
                return true;
            }

            @Override
            public boolean mayPair(ThingId thing, ThingId peer) {
                return true;
            }
        };
    }

    static WsSecurityComponent.Config config() {
        return (WsSecurityComponent.Config) java.lang.reflect.Proxy.newProxyInstance(
                WsSecurityComponent.Config.class.getClassLoader(), new Class<?>[] {WsSecurityComponent.Config.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> WsSecurityComponent.Config.class;
                    case "hashCode" -> 0;
                    case "equals" -> proxy == args[0];
                    case "toString" -> "config()";
                    default -> method.getDefaultValue();
                });
    }

    private SoapMessage request() {
        SoapMessage m = SoapMessage.create(DpwsVersion.DPWS_2009, DeviceHost.GET_STATUS, service, null);
        m.body.appendChild(m.doc.importNode(payload, true));
        Xml.declareNamespaces(m.doc);
        return m;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        hubA.close();
        hubB.close();
        registryA.close();
        registryB.close();
        keysA.close();
        keysB.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public SoapMessage invokeOverHttp() throws Exception {
        return hubA.client().invoke(device, service, DeviceHost.GET_STATUS, payload);
    }

    @Benchmark
    public Object secureThenVerify() throws Exception {
        SoapMessage req = request();
        a.secure(req.doc, deviceThing, required(policy));
        // Over the wire: bytes, then B's hardened parse; the replay cache sees a fresh message each time.
        Document received = Xml.parse(req.bytes(), Xml.MAX_HTTP);
        return b.verifyRequest(received, LAMP, required(policy));
    }
}
