package org.trusthub.benchmarks.wss;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.sct.SctSigner;
import org.trusthub.security.wss.sct.SctVerifier;
import org.trusthub.security.wss.sct.SecurityContext;
import org.trusthub.security.wss.internal.WsSecurityComponent;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A bounded load run: a flood of envelopes no trusted sender vouches for, and what it leaves behind in the replay
 * windows (entries) and on the heap (used after a full GC). The receiver is the real WS-Security provider on the real
 * keystore and registry, hosting a thing whose policy signs; the sender hub-a is enrolled and operational. In turn:
 * <ul>
 * <li>eight in ten unsigned, each with a Timestamp of its own (the kind the hub recorded before its signature
 * check, and the cheapest to send);</li>
 * <li>one in ten signed by hub-a, then altered (the signature no longer holds);</li>
 * <li>one in ten signed under a security context token with a guessed proof key, to a token verifier.</li>
 * </ul>
 * Each envelope is changed in place rather than parsed again: the run is about what is kept, not about parsing.
 * At the end hub-a sends genuine signed requests, which the window does keep, to show it still works.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar org.trusthub.benchmarks.wss.ReplayFloodRun
 * [envelopes=1000000] [genuine=1000]}
 */
public final class ReplayFloodRun {

    static final ThingId HUB_A = ThingId.of("hub-a");
    static final ThingId HUB_B = ThingId.of("hub-b");
    static final ThingId LAMP = ThingId.of("lamp-1");
    static final String WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    static final String INVOKE = "<s12:Envelope xmlns:s12=\"http://www.w3.org/2003/05/soap-envelope\""
            + " xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><s12:Header>"
            + "<wsa:Action>http://example.org/lamp/SwitchPower/SetTarget</wsa:Action>"
            + "<wsa:MessageID>urn:uuid:6a1b8c3e-2f53-4d7e-9a3c-1b2c3d4e5f60</wsa:MessageID>"
            + "<wsa:To>urn:uuid:0f6e5d4c-3b2a-4190-8a7b-6c5d4e3f2a1b</wsa:To></s12:Header>"
            + "<s12:Body><l:SetTarget xmlns:l=\"http://example.org/lamp\"><l:Level>75</l:Level></l:SetTarget>"
            + "</s12:Body></s12:Envelope>";

    private ReplayFloodRun() {
    }

    public static void main(String[] args) throws Exception {
        int envelopes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int genuine = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path dir = Files.createTempDirectory("trusthub-replay-flood");
        try (FileThingKeyStore keysA = FileThingKeyStore.open(dir.resolve("a/store"), dir.resolve("a/master.key"));
                FileThingKeyStore keysB = FileThingKeyStore.open(dir.resolve("b/store"),
                        dir.resolve("b/master.key"))) {
            ThingRegistryCore registryA = Registries.open(dir.resolve("a/registry"), keysA);
            ThingRegistryCore registryB = Registries.open(dir.resolve("b/registry"), keysB);
            try {
                Registries.operational(registryA, HUB_B, RootCredential.certificate(keysB.hubIdentity()
                        .certificate()));
                Registries.operational(registryB, HUB_A, RootCredential.certificate(keysA.hubIdentity()
                        .certificate()));
                run(new WsSecurityComponent(keysA, registryA, config()),
                        new WsSecurityComponent(keysB, registryB, config()), envelopes, genuine);
            } finally {
                registryA.close();
                registryB.close();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(WsSecurityComponent a, WsSecurityComponent b, int envelopes, int genuine)
            throws Exception {
        byte[] proofKey = new byte[32];
        SctVerifier tokens = new SctVerifier((identifier, receiver) -> new SecurityContext(identifier, HUB_A, receiver,
                Instant.now().plusSeconds(600), proofKey), Clock.systemUTC(), Duration.ofMinutes(5));

        Document signed = parse(INVOKE);
        a.secure(signed, HUB_B, SIGN);
        String signedText = text(signed);
        Document unsigned = parse(signedText.replaceAll("<ds:Signature .*</ds:Signature>", "")
                .replaceAll("<wsse:BinarySecurityToken [^>]*>[^<]*</wsse:BinarySecurityToken>", ""));
        Element timestamp = (Element) unsigned.getElementsByTagNameNS(WSU, "Timestamp").item(0);
        String timestampId = timestamp.getAttributeNS(WSU, "Id");
        Document altered = parse(signedText);
        Node level = altered.getElementsByTagNameNS("http://example.org/lamp", "Level").item(0);
        Document forgedToken = parse(INVOKE);
        byte[] guessed = new byte[32];
        guessed[0] = 1;
        SctSigner.sign(forgedToken, parse("<wsc:SecurityContextToken xmlns:wsc=\"http://docs.oasis-open.org/ws-sx/"
                + "ws-secureconversation/200512\"><wsc:Identifier>urn:flood:1</wsc:Identifier>"
                + "</wsc:SecurityContextToken>").getDocumentElement(), guessed, Duration.ofMinutes(5),
                Clock.systemUTC());
        Node tokenLevel = forgedToken.getElementsByTagNameNS("http://example.org/lamp", "Level").item(0);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = usedHeap(memory);
        System.out.printf(Locale.ROOT, "%,d unauthenticated envelopes (8 in 10 unsigned, 1 altered, 1 forged token), "
                + "then %,d genuine%n", envelopes, genuine);
        System.out.printf(Locale.ROOT, "%12s %14s %12s %14s%n", "sent", "window", "refused", "heap MB");
        System.out.printf(Locale.ROOT, "%,12d %,14d %,12d %,14.1f%n", 0, b.replayEntries() + tokens.replayEntries(),
                0, heapBefore / 1e6);
        long refused = 0;
        long[] nanos = new long[3];
        long[] counts = new long[3];
        int mark = Math.max(1, envelopes / 10);
        for (int i = 0; i < envelopes; i++) {
            // Eight in ten unsigned (the cheapest to send), one altered, one under a guessed token key.
            int kind = i % 10 < 8 ? 0 : i % 10 - 7;
            long t0 = System.nanoTime();
            try {
                switch (kind) {
                    case 0 -> {
                        timestamp.setAttributeNS(WSU, "wsu:Id", timestampId + "-" + i);
                        b.verifyRequest(unsigned, LAMP, SIGN);
                    }
                    case 1 -> {
                        level.setTextContent(Integer.toString(1000 + i));
                        b.verifyRequest(altered, LAMP, SIGN);
                    }
                    default -> {
                        tokenLevel.setTextContent(Integer.toString(1000 + i));
                        tokens.verify(forgedToken, LAMP);
                    }
                }
            } catch (WsSecurityException e) {
                refused++;
            }
            nanos[kind] += System.nanoTime() - t0;
            counts[kind]++;
            if ((i + 1) % mark == 0) {
                System.out.printf(Locale.ROOT, "%,12d %,14d %,12d %,14.1f%n", i + 1,
                        b.replayEntries() + tokens.replayEntries(), refused, usedHeap(memory) / 1e6);
            }
        }
        long heapAfter = usedHeap(memory);
        int window = b.replayEntries() + tokens.replayEntries();
        for (int i = 0; i < genuine; i++) {
            Document doc = parse(INVOKE);
            a.secure(doc, HUB_B, SIGN);
            b.verifyRequest(parse(text(doc)), LAMP, SIGN);
        }
        System.out.printf(Locale.ROOT, "flood: %,d refused of %,d, replay window %,d entries, heap %+.1f MB after "
                + "full GC; us per envelope: unsigned %.0f, altered %.0f, guessed token key %.0f%n", refused, envelopes,
                window, (heapAfter - heapBefore) / 1e6, nanos[0] / 1e3 / Math.max(1, counts[0]),
                nanos[1] / 1e3 / Math.max(1, counts[1]), nanos[2] / 1e3 / Math.max(1, counts[2]));
        System.out.printf(Locale.ROOT, "genuine: %,d accepted, replay window %,d entries%n", genuine,
                b.replayEntries());
    }

    private static long usedHeap(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Document doc) throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        javax.xml.transform.Transformer t = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty("omit-xml-declaration", "yes");
        t.transform(new javax.xml.transform.dom.DOMSource(doc), new javax.xml.transform.stream.StreamResult(out));
        return out.toString();
    }

    /** What the security policy requires of every message here: a signature. */
    static final Protection SIGN = Protection.integrity().endToEnd();

    /** The provider's configuration: every setting at its default. */
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
}
