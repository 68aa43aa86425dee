package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.trusthub.itests.DpwsWire.between;
import static org.trusthub.itests.DpwsWire.post;
import static org.trusthub.itests.DpwsWire.tryRun;
import static org.trusthub.itests.DpwsWire.udpExchange;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.UUID;

import javax.inject.Inject;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.offload.TokenService;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.device.SctGrant;
import org.trusthub.offload.device.WsTrustClient;
import org.trusthub.testkit.Await;
import org.trusthub.testkit.FreePorts;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * WS-Trust for DPWS clients in the real distribution (feature trusthub-offload-dpws): a constrained client asks the
 * token service, hosted as a DPWS operation, for a security context token over real HTTP on loopback, then invokes a
 * hosted thing with a SOAP message signed (HMAC-SHA256) with the token's proof key; the hub checks it for the hosted
 * thing from the token alone, and signs its reply with the same proof key, which the client checks. The lamp's
 * policy asks for encryption: the client encrypts the Body under a key derived from the proof key, and so does the
 * hub for the reply. The client does no public-key operation. The token service is offered only on the hosted device the offload configuration names.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WsTrustIT {

    static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";
    static final String WSA = "http://www.w3.org/2005/08/addressing";
    static final String WSD = "http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01";
    static final String DPWS = "http://docs.oasis-open.org/ws-dd/ns/dpws/2009/01";
    static final String WST = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
    static final String TH = "http://trusthub.org/ns/dpws/2026/thing";

    @Inject
    @Filter(timeout = 60_000)
    ThingRegistry registry;

    @Inject
    @Filter(timeout = 60_000)
    TokenService tokens;

    @Inject
    @Filter(timeout = 60_000)
    ConfigurationAdmin configAdmin;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    private final SecureRandom random = new SecureRandom();

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return HubOptions.hub(features("mvn:org.trusthub/trusthub-features/" + System.getProperty("trusthub.version")
                + "/xml/features", "trusthub-offload-dpws", "trusthub-offload-device"));
    }

    private ConstrainedDevice operational(String name) {
        byte[] root = new byte[32];
        random.nextBytes(root);
        ThingId id = ThingId.of(name);
        registry.enroll(id, "itest", RootCredential.secret(root));
        registry.transition(id, Transition.BOOTSTRAP);
        registry.transition(id, Transition.ACTIVATE);
        return ConstrainedDevice.bootstrap(id, root, 1, Clock.systemUTC(), random);
    }

    @Test
    public void aTokenRequestOverDpwsThenAProofKeySignedInvoke() throws Exception {
        ConstrainedDevice client = operational("it-wst-switch");
        ConstrainedDevice lampDevice = operational("it-wst-lamp");
        ThingId lamp = lampDevice.id();

        // The hosted lamp accepts signed and encrypted requests (an SCT signature with the Body encrypted under the
        // token's Body key is one). The client keeps the default policy
        // (sign,encrypt) it could not meet without a certificate: answers to its token-signed requests are signed
        // with the token's proof key instead, whatever its policy.
        // The shipped behaviour as policy rules, and the client may read the lamp's metadata and state.
        Configuration policy = FeatureConfigs.applied(configAdmin, "org.trusthub.security.policy");
        // Updated from the applied properties, so file install still owns the configuration (and writes it back).
        Dictionary<String, Object> policyProps = policy.getProperties();
        policyProps.put("rules", "protect * dpws both confidentiality/end-to-end; read " + client.id().value() + " "
                + lamp.value() + " dpws-metadata dpws-state");
        policy.update(policyProps);
        // The token service is offered on no hosted device until the offload configuration names one.
        Shell shell = new Shell(sessionFactory);
        String before = Await.nonNull("the token service's default", () -> {
            String out = tryRun(shell, "trusthub:offload-stats");
            return out != null && out.contains("offload-sts") ? out : null;
        });
        assertTrue(before, before.contains("offered on no device"));
        // Nothing is issued unless the security policy allows it: the switch may get tokens for the lamp (invoke).
        FeatureConfigs.applied(configAdmin, "org.trusthub.security.policy");
        String granted = shell.run("trusthub:policy-add token " + client.id() + " " + lamp + " invoke");
        assertTrue(granted, granted.contains("Added: token"));
        Configuration offloadDpws = FeatureConfigs.applied(configAdmin, "org.trusthub.offload.dpws");
        Dictionary<String, Object> stsProps = new Hashtable<>();
        stsProps.put("stsDevices", new String[] {lamp.value()});
        offloadDpws.update(stsProps);
        int discoveryPort = FreePorts.udp();
        Configuration dpws = FeatureConfigs.applied(configAdmin, "org.trusthub.binding.dpws");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("hostEnabled", Boolean.TRUE);
        props.put("discoveryPort", discoveryPort);
        props.put("hostedThings", new String[] {lamp.value()});
        dpws.update(props);

        String hosted = Await.nonNull("the token service on the hosted lamp", () -> {
            String out = tryRun(shell, "trusthub:dpws-hosted");
            return out != null && out.contains(lamp.value()) && out.contains("offload-sts") ? out : null;
        });
        assertTrue(hosted, hosted.contains("SecurityTokenService"));
        String stats = tryRun(shell, "trusthub:offload-stats");
        assertTrue(stats, stats.contains("offered on " + lamp.value()));

        String probe = "<s:Envelope xmlns:s='" + SOAP + "' xmlns:a='" + WSA + "' xmlns:d='" + WSD + "' xmlns:p='"
                + DPWS + "'><s:Header><a:Action>" + WSD + "/Probe</a:Action><a:MessageID>urn:uuid:"
                + UUID.randomUUID() + "</a:MessageID><a:To>urn:docs-oasis-open-org:ws-dd:ns:discovery:2009:01</a:To>"
                + "</s:Header><s:Body><d:Probe><d:Types>p:Device</d:Types></d:Probe></s:Body></s:Envelope>";
        String matches = udpExchange(probe, discoveryPort);
        String xaddr = between(matches, "XAddrs>", "<");
        String address = between(matches, "Address>", "<");
        // The lamp's policy holds for its device endpoint too: its metadata is for signed requests only.
        String unsignedGet = post(xaddr, text(envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/Get",
                address)), 400);
        assertTrue(unsignedGet, unsignedGet.contains("InvalidSecurity"));
        // The token service authenticates its own requests, so it serves a client that cannot sign yet.
        String sts = xaddr + "/offload-sts";

        // WS-Trust Issue over HTTP: the RST carries the client's COSE_Mac0-authenticated request.
        WsTrustClient clientSide = new WsTrustClient(client, Duration.ofMinutes(5));
        Element rst = clientSide.requestSecurityToken(lamp, "invoke");
        Document issue = envelope(WST + "/RST/Issue", sts);
        issue.getElementsByTagNameNS(SOAP, "Body").item(0).appendChild(issue.importNode(rst, true));
        String rstrText = post(sts, text(issue), 200);
        assertTrue(rstrText, rstrText.contains("SecurityContextToken") && rstrText.contains("RequestedProofToken"));
        Element body = (Element) parse(rstrText).getElementsByTagNameNS(SOAP, "Body").item(0);
        Element rstr = (Element) body.getElementsByTagNameNS(WST, "RequestSecurityTokenResponseCollection").item(0);
        SctGrant grant = clientSide.acceptResponse(rstr);
        assertEquals(lamp, grant.audience());
        assertTrue(tokens.issuedTokens().stream().anyMatch(t -> t.client().equals(client.id())
                && t.audience().equals(lamp) && "ws-trust".equals(t.profile())));

        // With the token, the device's metadata (signed Get; its Body is empty, nothing to encrypt) lists the token
        // service as a hosted service.
        Document get = envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", address);
        String getId = messageId(get);
        String metadata = post(xaddr, clientSide.sign(get, grant, Duration.ofMinutes(1)), 200);
        // The answer is signed with the token's proof key (HMAC), under the same token, relating to the Get.
        assertTrue(metadata, metadata.contains("hmac-sha256") && metadata.contains(grant.securityContextToken()
                .getElementsByTagNameNS("http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512",
                        "Identifier").item(0).getTextContent()));
        assertFalse(metadata, metadata.contains("BinarySecurityToken") || metadata.contains("ecdsa"));
        assertFalse("the metadata travels encrypted", metadata.contains(sts));
        String metadataText = text(clientSide.receiveReply(metadata, grant, getId, true));
        assertTrue(metadataText, metadataText.contains(sts));
        assertTrue(metadataText, metadataText.contains("urn:trusthub:service:offload-sts"));

        // An unsigned GetStatus is refused by the lamp's policy; the proof-key signed one is answered.
        String service = xaddr + "/thing";
        String refused = post(service, text(getStatus(service)), 400);
        assertTrue(refused, refused.contains("not signed") || refused.contains("InvalidSecurity"));
        String clear = post(service, clientSide.sign(getStatus(service), grant, Duration.ofMinutes(1)), 400);
        assertTrue(clear, clear.contains("requires encryption"));
        Document statusRequest = getStatus(service);
        String statusId = messageId(statusRequest);
        String signed = clientSide.signEncrypted(statusRequest, grant, Duration.ofMinutes(1));
        assertTrue(signed, signed.contains("EncryptedData") && signed.contains("aes128-gcm"));
        assertFalse("no certificate or public-key signature on the wire", signed.contains("BinarySecurityToken")
                || signed.contains("ecdsa"));
        String status = post(service, signed, 200);
        // Checked before it is read: signed with the proof key over Body, Timestamp and the addressing headers; the
        // Body, encrypted under the token's Body key, opened after the signature held.
        assertFalse(status, status.contains("OPERATIONAL"));
        Document answer = clientSide.receiveReply(status, grant, statusId, true);
        String statusText = answer.getDocumentElement().getTextContent();
        assertTrue(status, statusText.contains("OPERATIONAL") && statusText.contains(lamp.value()));
        // The client refuses that reply a second time, a tampered copy, and one taken for another request.
        String again = status;
        org.trusthub.security.wss.WsSecurityException r = org.junit.Assert.assertThrows(
                org.trusthub.security.wss.WsSecurityException.class,
                () -> clientSide.receiveReply(again, grant, statusId));
        assertTrue(r.getMessage(), r.getMessage().contains("replayed"));
        String tamperedReply = status.replaceFirst("(MessageID[^>]*>)urn:uuid:", "$1urn:uuid:0");
        assertFalse(tamperedReply.equals(status));
        r = org.junit.Assert.assertThrows(org.trusthub.security.wss.WsSecurityException.class,
                () -> clientSide.receiveReply(tamperedReply, grant, statusId));
        assertEquals(r.getMessage(), "wsse:FailedCheck", r.faultCode());
        r = org.junit.Assert.assertThrows(org.trusthub.security.wss.WsSecurityException.class,
                () -> clientSide.receiveReply(status, grant, getId));
        assertTrue(r.getMessage(), r.getMessage().contains("answers another request"));

        // The same message again is a replay.
        String replay = post(service, signed, 400);
        assertTrue(replay, replay.contains("replayed"));
        // A tampered copy (one more character in the signed MessageID) fails the HMAC.
        String fresh = clientSide.signEncrypted(getStatus(service), grant, Duration.ofMinutes(1));
        String tampered = fresh.replaceFirst("(MessageID[^>]*>)urn:uuid:", "$1urn:uuid:0");
        assertFalse(tampered.equals(fresh));
        String failed = post(service, tampered, 400);
        assertTrue(failed, failed.contains("FailedCheck"));

        assertEquals("the client did no public-key operation", 0, client.counter().snapshot().publicKey());
        dpws.delete();
        policy.delete();
        offloadDpws.delete();
    }

    private static Document envelope(String action, String to) throws Exception {
        return parse("<s:Envelope xmlns:s='" + SOAP + "' xmlns:a='" + WSA + "'><s:Header><a:Action>" + action
                + "</a:Action><a:MessageID>urn:uuid:" + UUID.randomUUID() + "</a:MessageID><a:To>" + to
                + "</a:To></s:Header><s:Body/></s:Envelope>");
    }

    private static String messageId(Document d) {
        return d.getElementsByTagNameNS(WSA, "MessageID").item(0).getTextContent().trim();
    }

    private static Document getStatus(String to) throws Exception {
        Document d = envelope(TH + "/ThingPortType/GetStatus", to);
        d.getElementsByTagNameNS(SOAP, "Body").item(0).appendChild(d.createElementNS(TH, "th:GetStatus"));
        return d;
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Document d) throws Exception {
        StringWriter w = new StringWriter();
        var t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        t.transform(new DOMSource(d), new StreamResult(w));
        return w.toString();
    }
}
