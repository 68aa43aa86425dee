package org.trusthub.benchmarks.offload;

import java.time.Duration;
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
import org.trusthub.offload.device.SctGrant;
import org.trusthub.offload.device.WsTrustClient;
import org.trusthub.offload.internal.dpws.AudienceContexts;
import org.trusthub.offload.wstrust.SctFormat;
import org.trusthub.offload.internal.dpws.StsService;
import org.trusthub.security.wss.sct.SctSigner;
import org.trusthub.security.wss.sct.SecurityContext;
import org.trusthub.offload.wstrust.WsTrust;
import org.w3c.dom.Element;

/**
 * WS-Trust for DPWS, in one run:
 * <ul>
 * <li>{@code hubIssueSct}: the device's RST (one HMAC) and the hub issuing a security context token (the token
 * service's CWT, re-shaped as an SCT RSTR in DOM); beside it {@code hubIssueCwtRst} (the same request answered with
 * the CWT as a BinarySecurityToken, the path that existed before) and {@code hubIssueAceToken} (the CBOR answer of
 * the ACE endpoint).</li>
 * <li>{@code deviceSignSctHmac} vs {@code deviceSignX509Ecdsa}: signing one DPWS invoke with the proof key (HMAC-SHA256)
 * and with an X.509 key (ECDSA P-256), both with WSS4J over the same parts, parsed from text and serialized
 * again (the XML work is most of either).</li>
 * <li>{@code deviceVerifySctReply} vs {@code deviceVerifyX509Reply}: the client checking the hosted thing's answer,
 * signed with the token's proof key (HMAC-SHA256, RelatesTo, freshness, replay) or with the hub's X.509 key (ECDSA
 * P-256 and the certificate's path), both parsed from text. The signed reply is made per invocation, outside the
 * measurement, with a fresh client (so the replay cache does not grow over the run).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WsTrustSctBenchmark {

    private OffloadBench bench;
    private ConstrainedDevice client;
    private ConstrainedDevice server;
    private WsTrustClient clientSide;
    private StsService sts;
    private SctGrant grant;
    private SoapMessages x509;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        bench = new OffloadBench();
        client = bench.operational("sct-client");
        server = bench.operational("sct-server");
        clientSide = new WsTrustClient(client, Duration.ofMinutes(5));
        sts = new StsService(bench.hub);
        grant = clientSide.acceptResponse(sts.issue(clientSide.requestSecurityToken(server.id(), "invoke")));
        x509 = new SoapMessages(bench);
    }

    /** A reply the hosted side signed with the proof key, and a client that has not seen it. */
    @State(Scope.Thread)
    public static class SignedReply {
        String wire;
        String x509Wire;
        WsTrustClient client;

        @Setup(Level.Invocation)
        public void sign(WsTrustSctBenchmark b) throws Exception {
            String identifier = b.grant.securityContextToken().getElementsByTagNameNS(SctFormat.WSC, "Identifier")
                    .item(0).getTextContent();
            SecurityContext c = new AudienceContexts(b.bench.keystore).resolve(identifier, b.server.id());
            byte[] key = c.key();
            try {
                org.w3c.dom.Document d = SoapMessages.reply(REQUEST);
                SctSigner.signReply(d, identifier, key, Duration.ofMinutes(5), java.time.Clock.systemUTC());
                wire = SoapMessages.text(d);
            } finally {
                java.util.Arrays.fill(key, (byte) 0);
                c.destroy();
            }
            client = new WsTrustClient(b.client, Duration.ofMinutes(5));
            if (x509Wire == null) {
                org.w3c.dom.Document d = SoapMessages.reply(REQUEST);
                b.x509.signX509(d);
                x509Wire = SoapMessages.text(d);
            }
        }
    }

    static final String REQUEST = "urn:uuid:9b2f3c1e-7a5d-4e8f-9c0b-1d2e3f4a5b6c";

    @Benchmark
    public org.w3c.dom.Document deviceVerifySctReply(SignedReply r) throws Exception {
        return r.client.receiveReply(r.wire, grant, REQUEST);
    }

    /** Parsed from text and checked (signature and certificate path), as {@code deviceVerifySctReply} is. */
    @Benchmark
    public boolean deviceVerifyX509Reply(SignedReply r) throws Exception {
        return x509.verifyX509(SoapMessages.parse(r.x509Wire));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public Element hubIssueSct() {
        return sts.issue(clientSide.requestSecurityToken(server.id(), "invoke"));
    }

    @Benchmark
    public String hubIssueCwtRst() {
        return bench.hub.requestSecurityToken(WsTrust.rst(server.id().value(), client.requestToken(server.id(),
                "invoke")));
    }

    @Benchmark
    public byte[] hubIssueAceToken() {
        return bench.hub.requestToken(client.requestToken(server.id(), "invoke"));
    }

    @Benchmark
    public String deviceSignSctHmac() throws Exception {
        return clientSide.sign(SoapMessages.invoke(), grant, Duration.ofMinutes(5));
    }

    /** Signed and serialized, as {@code deviceSignSctHmac} is. */
    @Benchmark
    public String deviceSignX509Ecdsa() throws Exception {
        org.w3c.dom.Document d = SoapMessages.invoke();
        x509.signX509(d);
        return SoapMessages.text(d);
    }
}
