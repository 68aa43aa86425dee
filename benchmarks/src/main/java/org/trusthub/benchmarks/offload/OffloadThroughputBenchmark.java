package org.trusthub.benchmarks.offload;

import java.security.Signature;
import java.security.cert.TrustAnchor;
import java.util.Date;
import java.util.List;
import java.util.Set;
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
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.device.PairGrant;
import org.trusthub.offload.device.SecureChannel;
import org.trusthub.offload.pkix.PathCheck;

/**
 * The hub's throughput beside what a thing would otherwise do, in one run.
 *
 * <ul>
 * <li>{@code hubIssueToken}: the device's token request (one HMAC) and the hub issuing the token (CWT sealed for the
 * audience, OSCORE material sealed for the client).</li>
 * <li>{@code hubVerify}: the device's verification request and the hub's verdict (PKIX path with CRL, signature,
 * MAC'd verdict); beside it {@code rawBcSignatureVerify} (Bouncy Castle ECDSA P-256 verification alone, the floor)
 * and {@code rawBcPathAndSignature} (the same path, CRL and signature check without request, MAC or CBOR).</li>
 * <li>{@code hubPairwiseKey}: a pairwise key request answered with envelope and ticket.</li>
 * <li>{@code deviceProtect} and {@code deviceEcdsaSign}: what authenticating one message costs a thing with a
 * hub-issued key (AES-CCM) and with its own signing key (ECDSA P-256, as WS-Security X.509 signing does).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OffloadThroughputBenchmark {

    private OffloadBench bench;
    private ConstrainedDevice client;
    private ConstrainedDevice server;
    private PathCheck pathCheck;
    private Set<TrustAnchor> anchors;
    private SecureChannel channel;
    private byte[] message;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        bench = new OffloadBench();
        client = bench.operational("bench-client");
        server = bench.operational("bench-server");
        pathCheck = new PathCheck(OffloadBenchDefaults.ALGORITHMS, 2048);
        anchors = Set.of(new TrustAnchor(bench.ca, null));
        PairGrant g = client.acceptPairwiseKey(bench.hub.requestPairwiseKey(client.requestPairwiseKey(server.id())));
        channel = g.channel();
        message = new byte[64];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public byte[] hubIssueToken() {
        return bench.hub.requestToken(client.requestToken(server.id(), "write"));
    }

    @Benchmark
    public byte[] hubVerify() {
        return bench.hub.verify(client.requestVerification("SHA256withECDSA", OffloadBench.FIRMWARE,
                bench.signature, List.of(bench.signer)));
    }

    @Benchmark
    public boolean rawBcSignatureVerify() throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA", OffloadBench.BC);
        s.initVerify(bench.signer.getPublicKey());
        s.update(OffloadBench.FIRMWARE);
        return s.verify(bench.signature);
    }

    @Benchmark
    public boolean rawBcPathAndSignature() {
        return pathCheck.check("SHA256withECDSA", OffloadBench.FIRMWARE, bench.signature, List.of(bench.signer),
                anchors, List.of(bench.crl), new Date()).valid();
    }

    @Benchmark
    public byte[] hubPairwiseKey() {
        return bench.hub.requestPairwiseKey(client.requestPairwiseKey(server.id()));
    }

    @Benchmark
    public byte[] deviceProtect() {
        return channel.protect(message);
    }

    @Benchmark
    public byte[] deviceEcdsaSign() throws Exception {
        return OffloadBench.sign(bench.signerKeys.getPrivate(), message);
    }
}
