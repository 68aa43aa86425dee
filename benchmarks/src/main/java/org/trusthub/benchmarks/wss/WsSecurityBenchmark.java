package org.trusthub.benchmarks.wss;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

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
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.wss.internal.WsSecurityComponent;
import org.w3c.dom.Document;

/**
 * One DPWS invoke (SOAP 1.2, WS-Addressing, a SetTarget body) from hub A to hub B, each with its own keystore and the
 * other's certificate enrolled, through the real WsSecurity component: serialize at the sender, parse and verify at
 * the receiver. {@code plain} is the same invoke without WS-Security (build, serialize, parse), the alternative a
 * user would pick. {@code sign} is Timestamp + ECDSA-SHA256 signature, {@code encrypt} Timestamp + AES-128-GCM with
 * ECDH-ES, {@code signEncrypt} both. The bytes on the wire of each are printed at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WsSecurityBenchmark {

    static final String INVOKE = "<s12:Envelope xmlns:s12=\"http://www.w3.org/2003/05/soap-envelope\""
            + " xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">"
            + "<s12:Header>"
            + "<wsa:Action>http://example.org/lamp/SwitchPower/SetTarget</wsa:Action>"
            + "<wsa:MessageID>urn:uuid:6a1b8c3e-2f53-4d7e-9a3c-1b2c3d4e5f60</wsa:MessageID>"
            + "<wsa:To>urn:uuid:0f6e5d4c-3b2a-4190-8a7b-6c5d4e3f2a1b</wsa:To>"
            + "</s12:Header>"
            + "<s12:Body><l:SetTarget xmlns:l=\"http://example.org/lamp\"><l:Power>on</l:Power>"
            + "<l:Level>75</l:Level></l:SetTarget></s12:Body>"
            + "</s12:Envelope>";
    private static final byte[] INVOKE_BYTES = INVOKE.getBytes(StandardCharsets.UTF_8);
    private static final ThingId HUB_A = ThingId.of("hub-a");
    private static final ThingId HUB_B = ThingId.of("hub-b");

    private Path dir;
    private FileThingKeyStore keysA;
    private FileThingKeyStore keysB;
    private ThingRegistryCore registryA;
    private ThingRegistryCore registryB;
    private Pair sign;
    private Pair signEncrypt;
    private DocumentBuilderFactory parsers;
    private TransformerFactory writers;

    private record Pair(WsSecurityComponent sender, WsSecurityComponent receiver, Protection required) {
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("trusthub-wss-bench");
        keysA = FileThingKeyStore.open(dir.resolve("a/store"), dir.resolve("a/master.key"));
        keysB = FileThingKeyStore.open(dir.resolve("b/store"), dir.resolve("b/master.key"));
        registryA = Registries.open(dir.resolve("a/registry"), keysA);
        registryB = Registries.open(dir.resolve("b/registry"), keysB);
        Registries.operational(registryA, HUB_B, RootCredential.certificate(keysB.hubIdentity().certificate()));
        Registries.operational(registryB, HUB_A, RootCredential.certificate(keysA.hubIdentity().certificate()));
        sign = pair(Protection.integrity().endToEnd());
        signEncrypt = pair(Protection.confidentiality().endToEnd());
        parsers = DocumentBuilderFactory.newInstance();
        parsers.setNamespaceAware(true);
        parsers.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        parsers.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        writers = TransformerFactory.newInstance();
        System.out.printf("%nbytes on the wire: plain=%d sign=%d sign+encrypt=%d%n",
                send(null).length, send(sign).length, send(signEncrypt).length);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        registryA.close();
        registryB.close();
        keysA.close();
        keysB.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Pair pair(Protection required) {
        return new Pair(new WsSecurityComponent(keysA, registryA, config()), new WsSecurityComponent(keysB,
                registryB, config()), required);
    }

    private byte[] send(Pair pair) throws Exception {
        Document doc = parse(INVOKE_BYTES);
        if (pair != null) {
            pair.sender().secure(doc, HUB_B, pair.required());
        }
        return write(doc);
    }

    private Document receive(Pair pair, byte[] wire) throws Exception {
        Document doc = parse(wire);
        if (pair != null) {
            pair.receiver().verify(doc, HUB_A, pair.required());
        }
        return doc;
    }

    @Benchmark
    public Document plain() throws Exception {
        return receive(null, send(null));
    }

    @Benchmark
    public Document sign() throws Exception {
        return receive(sign, send(sign));
    }

    @Benchmark
    public Document signEncrypt() throws Exception {
        return receive(signEncrypt, send(signEncrypt));
    }

    private Document parse(byte[] bytes) throws Exception {
        return parsers.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    }

    private byte[] write(Document doc) throws Exception {
        Transformer transformer = writers.newTransformer();
        transformer.setOutputProperty("omit-xml-declaration", "yes");
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        transformer.transform(new DOMSource(doc), new StreamResult(out));
        return out.toByteArray();
    }

    private static WsSecurityComponent.Config config() {
        return new WsSecurityComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return WsSecurityComponent.Config.class;
            }

            @Override
            public String unenrolledPolicy() {
                return "plain";
            }

            @Override
            public int timestampTtlSeconds() {
                return 300;
            }

            @Override
            public int replayEntriesPerSender() {
                return 10_000;
            }

        };
    }
}
