package org.trusthub.binding.dpws.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.xml.namespace.QName;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.w3c.dom.Element;

/**
 * Another vendor's DPWS device, as small as one can be, whose hosted service gives its WSDL by reference only: its
 * GetMetadata answers a WSDL section holding a mex:Location (a URL the WSDL is fetched from with HTTP GET) or a
 * mex:MetadataReference (an endpoint answering WS-Transfer Get with the WSDL). Its Echo operation answers the text
 * it was sent. Speaks whichever DPWS generation it is asked in; no WS-Security.
 */
public final class ReferencedWsdlDevice implements AutoCloseable {

    public static final String NS = "http://vendor.example/ns/echo";
    public static final String ECHO = NS + "/EchoPortType/Echo";
    static final String ECHO_RESPONSE = NS + "/EchoPortType/EchoResponse";
    static final String TICKED = NS + "/EchoPortType/Ticked";
    static final QName PORT_TYPE = new QName(NS, "EchoPortType");

    public enum Mode { LOCATION, REFERENCE }

    public final String address = "urn:uuid:" + UUID.randomUUID();
    final AtomicInteger wsdlGets = new AtomicInteger();
    public final AtomicInteger echoes = new AtomicInteger();
    public volatile Mode mode = Mode.LOCATION;
    /** Where the Location points; null: this device's own /wsdl. */
    volatile String location;
    /** Pads the WSDL served by URL to this many bytes. */
    volatile int wsdlPadding;
    private final HttpServer server;
    /** Where the last subscriber wants its notifications, and in which generation; null before a Subscribe. */
    volatile String notifyTo;
    private volatile DpwsVersion subscribedIn;

    public ReferencedWsdlDevice() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String deviceUrl() {
        return base() + "/dev";
    }

    public String serviceUrl() {
        return base() + "/svc";
    }

    /** Tells a client stack of this device, as its Hello in generation {@code v} would. */
    public void helloTo(DpwsStack client, DpwsVersion v) throws Exception {
        SoapMessage hello = DiscoveryMessage.hello(v, new DiscoveryMessage.Endpoint(address,
                List.of(new QName(v.dpws, "Device")), List.of(), List.of(deviceUrl()), 1),
                new AppSequence(1, "", 1));
        client.client().onDiscovery(DiscoveryMessage.read(SoapMessage.read(Xml.parse(hello.bytes(), Xml.MAX_HTTP),
                Set.of())), null);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            if ("GET".equals(x.getRequestMethod()) && path.equals("/wsdl")) {
                wsdlGets.incrementAndGet();
                String text = wsdlText();
                if (wsdlPadding > 0) {
                    text = text.replace("</wsdl:definitions>", "<!--" + "x".repeat(wsdlPadding) + "-->"
                            + "</wsdl:definitions>");
                }
                send(x, 200, text.getBytes(StandardCharsets.UTF_8), "application/xml");
                return;
            }
            byte[] body;
            try (InputStream in = x.getRequestBody()) {
                body = in.readAllBytes();
            }
            SoapMessage m = SoapMessage.read(Xml.parse(body, Xml.MAX_HTTP), Set.of());
            DpwsVersion v = m.version;
            SoapMessage r;
            if (path.equals("/dev") && DpwsVersion.WST_GET.equals(m.action())) {
                r = SoapMessage.create(v, DpwsVersion.WST_GET_RESPONSE, v.anonymous, m.messageId());
                deviceMetadata(r, v);
            } else if (path.equals("/svc") && DpwsVersion.MEX_GET_METADATA.equals(m.action())) {
                r = SoapMessage.create(v, DpwsVersion.MEX_GET_METADATA_RESPONSE, v.anonymous, m.messageId());
                Element s = DeviceMetadata.section(Xml.add(r.body, DpwsVersion.MEX, "mex:Metadata"), DpwsVersion.WSDL);
                if (mode == Mode.LOCATION) {
                    Xml.add(s, DpwsVersion.MEX, "mex:Location", location != null ? location : base() + "/wsdl");
                } else {
                    Element ref = Xml.add(s, DpwsVersion.MEX, "mex:MetadataReference");
                    Xml.add(ref, v.wsa, "wsa:Address", base() + "/wsdl-ref");
                }
            } else if (path.equals("/wsdl-ref") && DpwsVersion.WST_GET.equals(m.action())) {
                r = SoapMessage.create(v, DpwsVersion.WST_GET_RESPONSE, v.anonymous, m.messageId());
                Element defs = Xml.parse(wsdlText().getBytes(StandardCharsets.UTF_8), Xml.MAX_HTTP)
                        .getDocumentElement();
                r.body.appendChild(r.doc.importNode(defs, true));
            } else if (path.equals("/svc") && Eventing.SUBSCRIBE.equals(m.action())) {
                Element sub = Xml.child(m.body, Eventing.WSE, "Subscribe");
                notifyTo = Xml.childText(Xml.child(Xml.child(sub, Eventing.WSE, "Delivery"), Eventing.WSE,
                        "NotifyTo"), v.wsa, "Address");
                subscribedIn = v;
                r = SoapMessage.create(v, Eventing.SUBSCRIBE_RESPONSE, v.anonymous, m.messageId());
                Element resp = Xml.add(r.body, Eventing.WSE, "wse:SubscribeResponse");
                Element mgr = Xml.add(resp, Eventing.WSE, "wse:SubscriptionManager");
                Xml.add(mgr, v.wsa, "wsa:Address", base() + "/mgr");
                Xml.add(Xml.add(mgr, v.wsa, "wsa:ReferenceParameters"), Eventing.WSE, "wse:Identifier",
                        "urn:uuid:" + UUID.randomUUID());
                Xml.add(resp, Eventing.WSE, "wse:Expires", "PT1H");
            } else if (path.equals("/svc") && ECHO.equals(m.action())) {
                echoes.incrementAndGet();
                r = SoapMessage.create(v, ECHO_RESPONSE, v.anonymous, m.messageId());
                String text = Xml.childText(m.body, NS, "Echo");
                Xml.add(r.body, NS, "e:EchoResponse", text == null ? "" : text);
            } else {
                r = SoapMessage.fault(v, m.messageId(), "Sender", null, "no operation with action " + m.action());
                send(x, 400, r.bytes(), "application/soap+xml");
                return;
            }
            send(x, 200, r.bytes(), "application/soap+xml");
        } catch (MalformedMessageException e) {
            send(x, 400, new byte[0], "text/plain");
        }
    }

    /** Sends a Ticked notification carrying {@code n} to the subscriber. */
    void tick(int n) throws Exception {
        DpwsVersion v = subscribedIn;
        SoapMessage event = SoapMessage.create(v, TICKED, notifyTo, null);
        Xml.add(event.body, NS, "e:Ticked", Integer.toString(n));
        new SoapHttpClient(java.time.Duration.ofSeconds(5)).post(java.net.URI.create(notifyTo), event.bytes(),
                Set.of());
    }

    private void deviceMetadata(SoapMessage r, DpwsVersion v) {
        String p = SoapMessage.dpwsPrefix(v);
        Element md = Xml.add(r.body, DpwsVersion.MEX, "mex:Metadata");
        Element model = Xml.add(DeviceMetadata.section(md, v.dpws + "/ThisModel"), v.dpws, p + ":ThisModel");
        Xml.add(model, v.dpws, p + ":Manufacturer", "Vendor");
        Xml.add(model, v.dpws, p + ":ModelName", "Echo box");
        Element dev = Xml.add(DeviceMetadata.section(md, v.dpws + "/ThisDevice"), v.dpws, p + ":ThisDevice");
        Xml.add(dev, v.dpws, p + ":FriendlyName", "echo box");
        Element rel = Xml.add(DeviceMetadata.section(md, v.dpws + "/Relationship"), v.dpws, p + ":Relationship");
        rel.setAttribute("Type", v.dpws + "/host");
        Element hosted = Xml.add(rel, v.dpws, p + ":Hosted");
        Xml.add(Xml.add(hosted, v.wsa, "wsa:EndpointReference"), v.wsa, "wsa:Address", serviceUrl());
        Element types = Xml.add(hosted, v.dpws, p + ":Types", "e:EchoPortType");
        types.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:e", NS);
        Xml.add(hosted, v.dpws, p + ":ServiceId", "urn:vendor:echo");
    }

    public static String wsdlText() {
        return """
                <wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:xs="http://www.w3.org/2001/XMLSchema"
                    xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
                    xmlns:wsam="http://www.w3.org/2007/05/addressing/metadata"
                    xmlns:wse="http://schemas.xmlsoap.org/ws/2004/08/eventing"
                    xmlns:e="%1$s" targetNamespace="%1$s">
                  <wsdl:types>
                    <xs:schema targetNamespace="%1$s" elementFormDefault="qualified">
                      <xs:element name="Echo" type="xs:string"/>
                      <xs:element name="EchoResponse" type="xs:string"/>
                      <xs:element name="Ticked" type="xs:int"/>
                    </xs:schema>
                  </wsdl:types>
                  <wsdl:message name="EchoRequest"><wsdl:part name="body" element="e:Echo"/></wsdl:message>
                  <wsdl:message name="EchoResponse"><wsdl:part name="body" element="e:EchoResponse"/></wsdl:message>
                  <wsdl:message name="Ticked"><wsdl:part name="body" element="e:Ticked"/></wsdl:message>
                  <wsdl:portType name="EchoPortType" wse:EventSource="true">
                    <wsdl:operation name="Echo">
                      <wsdl:input message="e:EchoRequest" wsam:Action="%2$s"/>
                      <wsdl:output message="e:EchoResponse" wsam:Action="%3$s"/>
                    </wsdl:operation>
                    <wsdl:operation name="Ticked">
                      <wsdl:output message="e:Ticked" wsam:Action="%4$s"/>
                    </wsdl:operation>
                  </wsdl:portType>
                </wsdl:definitions>
                """.formatted(NS, ECHO, ECHO_RESPONSE, TICKED);
    }

    private static void send(HttpExchange x, int status, byte[] body, String type) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
    }
}
