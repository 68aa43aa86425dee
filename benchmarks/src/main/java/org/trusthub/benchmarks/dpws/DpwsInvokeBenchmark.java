package org.trusthub.benchmarks.dpws;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.DeviceHost;
import org.trusthub.binding.dpws.internal.DpwsStack;
import org.trusthub.binding.dpws.internal.MessageSecurity;
import org.trusthub.binding.dpws.internal.SoapMessage;
import org.trusthub.binding.dpws.internal.ThingSource;
import org.trusthub.binding.dpws.internal.Xml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A plain (no WS-Security) DPWS invoke: GetStatus of a hosted thing over SOAP 1.2/HTTP on loopback, end to end
 * through both stacks, and the envelope work alone. The setup prints the bytes on the wire of one invoke. The
 * WS-Security variant of the same invoke belongs here once the provider from security-wss is bridged in.
 * Also: the hardened parser against the JDK's default DocumentBuilderFactory, what the hardening costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DpwsInvokeBenchmark {

    static final ThingId LAMP = ThingId.of("lamp-bench-1");

    DpwsStack host;
    DpwsStack client;
    String device;
    String service;
    Element payload;
    byte[] requestBytes;
    byte[] responseBytes;
    DocumentBuilder defaultParser;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
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
        host = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, false, true, "bench",
                Duration.ofSeconds(5)), things, plain());
        host.start();
        client = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, true, false, "bench-client",
                Duration.ofSeconds(5)), things, plain());
        client.start();
        client.client().probe(List.of(), new InetSocketAddress(InetAddress.getLoopbackAddress(), host.discoveryPort()),
                Duration.ofSeconds(1));
        device = host.host().deviceFor(LAMP).address();
        service = client.client().fetchMetadata(device).metadata().services().get(0).address();
        payload = Xml.newDocument().createElementNS(DeviceHost.TH, "th:GetStatus");

        SoapMessage request = request();
        requestBytes = request.bytes();
        SoapMessage response = client.client().invoke(device, service, DeviceHost.GET_STATUS, payload);
        responseBytes = response.bytes();
        System.out.println("DPWS plain invoke on the wire: request " + requestBytes.length + " bytes, response "
                + responseBytes.length + " bytes (SOAP envelopes; HTTP headers add about 150 each way)");
        DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
        f.setNamespaceAware(true);
        defaultParser = f.newDocumentBuilder();
    }

    private SoapMessage request() {
        SoapMessage m = SoapMessage.create(org.trusthub.binding.dpws.internal.DpwsVersion.DPWS_2009,
                DeviceHost.GET_STATUS, service, null);
        m.body.appendChild(m.doc.importNode(payload, true));
        return m;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        host.close();
    }

    /** The whole invoke: build, serialise, HTTP POST, host parses and answers, client parses the answer. */
    @Benchmark
    public SoapMessage invokeOverHttp() throws Exception {
        return client.client().invoke(device, service, DeviceHost.GET_STATUS, payload);
    }

    /** Only the envelope work of one invoke (both ends' build, serialise and parse), no network. */
    @Benchmark
    public Object envelopesOnly() throws Exception {
        byte[] req = request().bytes();
        SoapMessage parsed = SoapMessage.read(Xml.parse(req, Xml.MAX_HTTP), java.util.Set.of());
        return SoapMessage.read(Xml.parse(responseBytes, Xml.MAX_HTTP), java.util.Set.of()).action() + parsed.action();
    }

    @Benchmark
    public Document parseHardened() throws Exception {
        return Xml.parse(responseBytes, Xml.MAX_HTTP);
    }

    @Benchmark
    public Document parseJdkDefault() throws Exception {
        Document d = defaultParser.parse(new ByteArrayInputStream(responseBytes));
        defaultParser.reset();
        return d;
    }

    /** Without WS-Security, under a policy that requires nothing. */
    static MessageSecurity plain() {
        return new MessageSecurity(() -> null, () -> DpwsSecuredInvokeBenchmark.policyOf("plain"), () -> null);
    }
}
