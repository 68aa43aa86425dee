package org.trusthub.benchmarks.offload;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.coap.internal.CoapBindingComponent;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.device.TokenGrant;
import org.trusthub.offload.device.coap.CoapHubLink;
import org.trusthub.offload.device.coap.CoapHubLink.Security;
import org.trusthub.offload.internal.coap.OffloadResources;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;

/**
 * Tokens issued per second: in process (the device model's request handed straight to the hub) against the same
 * request carried over CoAP on loopback to {@code /offload/token} on the real binding, over DTLS-PSK (session kept)
 * and over OSCORE. Each operation includes the device building the request and checking the answer.
 * {@code java -jar benchmarks/target/benchmarks.jar OffloadCoapBenchmark -f 1 -wi 2 -i 3 -w 1s -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OffloadCoapBenchmark {

    private OffloadBench bench;
    private CoapBindingComponent binding;
    private ConstrainedDevice inProcess;
    private ConstrainedDevice dtlsDevice;
    private ConstrainedDevice oscoreDevice;
    private ThingId audience;
    private CoapHubLink dtls;
    private CoapHubLink oscore;

    /** The binding's defaults, except any free port on loopback and DTLS with PSK only. */
    static CoapBindingComponent.Config config() {
        Map<String, Object> overrides = Map.of("port", 0, "securePort", 0, "dtlsRawPublicKey", false, "dtlsX509",
                false, "dtlsConnectionIdLength", 0);
        return (CoapBindingComponent.Config) Proxy.newProxyInstance(CoapBindingComponent.Config.class.getClassLoader(),
                new Class<?>[] {CoapBindingComponent.Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return CoapBindingComponent.Config.class;
                    }
                    Object value = overrides.get(method.getName());
                    return value != null ? value : method.getDefaultValue();
                });
    }

    private byte[] enroll(String name) {
        byte[] root = new byte[32];
        bench.random.nextBytes(root);
        ThingId id = ThingId.of(name);
        bench.registry.enroll(id, "bench", RootCredential.secret(root));
        bench.registry.transition(id, Transition.BOOTSTRAP);
        bench.registry.transition(id, Transition.ACTIVATE);
        return root;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        bench = new OffloadBench();
        binding = CoapTestPeers.binding(bench.registry, new DtlsComponent(bench.keystore, bench.registry),
                new OscoreComponent(bench.keystore, bench.registry), config(), new TestPolicy());
        binding.contribute(new OffloadResources(bench.hub, bench.hub, bench.hub, bench.hub,
                bench.hub::countRefusal), "benchmark");
        audience = bench.operational("bench-audience").id();
        inProcess = bench.operational("bench-local");
        SecureRandom random = bench.random;
        byte[] r1 = enroll("bench-dtls");
        dtlsDevice = ConstrainedDevice.bootstrap(ThingId.of("bench-dtls"), r1, 1, Clock.systemUTC(), random);
        byte[] r2 = enroll("bench-oscore");
        oscoreDevice = ConstrainedDevice.bootstrap(ThingId.of("bench-oscore"), r2, 1, Clock.systemUTC(), random);
        InetSocketAddress secure = binding.secureAddress().orElseThrow();
        InetSocketAddress plain = binding.plainAddress().orElseThrow();
        dtls = CoapHubLink.open(dtlsDevice, r1, 1, Security.DTLS_PSK, secure, Duration.ofSeconds(10));
        oscore = CoapHubLink.open(oscoreDevice, r2, 1, Security.OSCORE, plain, Duration.ofSeconds(10));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dtls.close();
        oscore.close();
        binding.deactivate();
        bench.close();
    }

    @Benchmark
    public TokenGrant tokenInProcess() {
        return inProcess.acceptTokenResponse(bench.hub.requestToken(inProcess.requestToken(audience, "write")));
    }

    @Benchmark
    public TokenGrant tokenOverCoapDtls() {
        return dtls.token(audience, "write");
    }

    @Benchmark
    public TokenGrant tokenOverCoapOscore() {
        return oscore.token(audience, "write");
    }
}
