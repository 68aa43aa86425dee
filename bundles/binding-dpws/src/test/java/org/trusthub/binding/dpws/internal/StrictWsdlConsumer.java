package org.trusthub.binding.dpws.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * A conforming DPWS client's view of a hosted service's metadata, as strict as the stacks that refuse to build a
 * proxy: it reads nothing but the mex:Metadata, and refuses it (IllegalStateException naming the rule) unless the
 * schema compiles with the JDK's XML Schema processor and declares every message part as a typed global element,
 * every operation has an explicit action in the DPWS generation's vocabulary, the SOAP 1.2 document/literal binding
 * has one wsdl:operation per operation with the same soapAction, a portType with notifications is a WS-Eventing
 * 2004/08 event source, and a Relationship names the host device and this service. The proxy it builds validates
 * every payload against that schema.
 */
final class StrictWsdlConsumer {

    static final String XS = XMLConstants.W3C_XML_SCHEMA_NS_URI;
    static final String WSDL = DpwsVersion.WSDL;
    static final String SOAP12 = DpwsVersion.WSDL_SOAP12;

    /** An operation as the WSDL alone describes it. */
    record Op(String name, String inputAction, QName inputElement, String outputAction, QName outputElement) {
        boolean isEvent() {
            return inputAction == null;
        }
    }

    /** What a client needs to call the service: where, which operations, the schema, and who hosts it. */
    record Proxy(String address, Map<String, Op> operations, Schema schema, String host) {
        List<Op> events() {
            return operations.values().stream().filter(Op::isEvent).toList();
        }

        /** Validates a payload (a body child) against the WSDL's schema; refuses one of another element. */
        void validate(Element payload, QName expected) {
            QName got = new QName(payload.getNamespaceURI(), payload.getLocalName());
            if (!got.equals(expected)) {
                throw new IllegalStateException("payload " + got + " where the WSDL says " + expected);
            }
            try {
                Document copy = Xml.newDocument();
                copy.appendChild(copy.importNode(payload, true));
                schema.newValidator().validate(new DOMSource(copy));
            } catch (Exception e) {
                throw new IllegalStateException("payload " + got + " is not valid under the WSDL's schema: "
                        + e.getMessage(), e);
            }
        }
    }

    private StrictWsdlConsumer() {
    }

    static Proxy proxy(Element metadata, DpwsVersion v, String serviceAddress) {
        String host = relationship(metadata, v, serviceAddress);
        List<Element> wsdls = new ArrayList<>();
        for (Element s : Xml.children(metadata, DpwsVersion.MEX, "MetadataSection")) {
            if (WSDL.equals(s.getAttribute("Dialect"))) {
                Element defs = Xml.child(s, WSDL, "definitions");
                require(defs != null, "the WSDL section has no inline wsdl:definitions");
                wsdls.add(defs);
            }
        }
        require(wsdls.size() == 1, "expected one WSDL section, found " + wsdls.size());
        return fromDefinitions(wsdls.get(0), v, host);
    }

    private static Proxy fromDefinitions(Element defs, DpwsVersion v, String host) {
        String tns = defs.getAttribute("targetNamespace");
        Element types = Xml.child(defs, WSDL, "types");
        require(types != null, "no wsdl:types");
        Map<QName, Element> elements = new HashMap<>();
        Schema schema = schema(types, elements);
        Map<String, QName> messages = new HashMap<>();
        for (Element m : Xml.children(defs, WSDL, "message")) {
            List<Element> parts = Xml.children(m, WSDL, "part");
            require(parts.size() == 1, "message " + m.getAttribute("name") + " must have one part");
            Element part = parts.get(0);
            require(!part.hasAttribute("type"), "part of " + m.getAttribute("name") + " is rpc-style (type=)");
            QName el = Wsdl.qname(part, part.getAttribute("element"));
            require(el != null, "message " + m.getAttribute("name") + " has an untyped part (no element)");
            Element decl = elements.get(el);
            require(decl != null, "part element " + el + " is not declared in the schema");
            require(decl.hasAttribute("type") || Xml.child(decl, XS, "complexType") != null
                    || Xml.child(decl, XS, "simpleType") != null, "element " + el + " has no type (xs:anyType)");
            messages.put(m.getAttribute("name"), el);
        }
        List<Element> portTypes = Xml.children(defs, WSDL, "portType");
        require(portTypes.size() == 1, "expected one portType");
        Element pt = portTypes.get(0);
        String actionNs = Wsdl.actionNamespace(v);
        Map<String, Op> ops = new LinkedHashMap<>();
        boolean notifies = false;
        for (Element op : Xml.children(pt, WSDL, "operation")) {
            Element in = Xml.child(op, WSDL, "input");
            Element out = Xml.child(op, WSDL, "output");
            require(out != null || in != null, "operation " + op.getAttribute("name") + " has no messages");
            notifies |= in == null;
            ops.put(op.getAttribute("name"), new Op(op.getAttribute("name"), action(in, actionNs),
                    message(in, messages, tns), action(out, actionNs), message(out, messages, tns)));
        }
        if (notifies) {
            require("true".equals(pt.getAttributeNS(DpwsVersion.WSE, "EventSource")),
                    "portType " + pt.getAttribute("name") + " declares notifications without wse:EventSource=\"true\" "
                            + "(WS-Eventing 2004/08)");
        }
        List<Element> bindings = Xml.children(defs, WSDL, "binding");
        require(bindings.size() == 1, "expected one wsdl:binding");
        Element b = bindings.get(0);
        require(new QName(tns, pt.getAttribute("name")).equals(Wsdl.qname(b, b.getAttribute("type"))),
                "binding type is not the portType");
        Element sb = Xml.child(b, SOAP12, "binding");
        require(sb != null, "binding is not SOAP 1.2");
        require("document".equals(sb.getAttribute("style")), "binding style is not document");
        require(Wsdl.SOAP_HTTP.equals(sb.getAttribute("transport")), "binding transport is not SOAP over HTTP");
        Map<String, Element> bops = new HashMap<>();
        for (Element bop : Xml.children(b, WSDL, "operation")) {
            bops.put(bop.getAttribute("name"), bop);
        }
        require(bops.keySet().equals(ops.keySet()), "binding operations " + bops.keySet() + " are not the portType's "
                + ops.keySet());
        for (Op op : ops.values()) {
            Element bop = bops.get(op.name());
            Element so = Xml.child(bop, SOAP12, "operation");
            require(so != null, "binding operation " + op.name() + " has no soap12:operation");
            String action = op.isEvent() ? op.outputAction() : op.inputAction();
            require(action.equals(so.getAttribute("soapAction")), "soapAction of " + op.name() + " is not its action");
            literal(bop, "input", op.inputAction() != null, op.name());
            literal(bop, "output", op.outputAction() != null, op.name());
        }
        Element port = Xml.child(Xml.child(defs, WSDL, "service"), WSDL, "port");
        require(port != null, "no wsdl:service port");
        Element address = Xml.child(port, SOAP12, "address");
        require(address != null && !address.getAttribute("location").isBlank(), "port has no soap12:address");
        return new Proxy(address.getAttribute("location"), ops, schema, host);
    }

    private static void literal(Element bop, String io, boolean present, String op) {
        Element e = Xml.child(bop, WSDL, io);
        require((e != null) == present, "binding operation " + op + " " + io + " does not match the portType");
        if (e != null) {
            Element body = Xml.child(e, SOAP12, "body");
            require(body != null && "literal".equals(body.getAttribute("use")),
                    "binding operation " + op + " " + io + " is not a literal soap12:body");
        }
    }

    private static String action(Element io, String ns) {
        if (io == null) {
            return null;
        }
        require(io.hasAttributeNS(ns, "Action"), "operation message without an explicit Action in " + ns);
        return io.getAttributeNS(ns, "Action");
    }

    private static QName message(Element io, Map<String, QName> messages, String tns) {
        if (io == null) {
            return null;
        }
        QName ref = Wsdl.qname(io, io.getAttribute("message"));
        require(ref != null && ref.getNamespaceURI().equals(tns) && messages.containsKey(ref.getLocalPart()),
                "operation refers to an undeclared message " + io.getAttribute("message"));
        return messages.get(ref.getLocalPart());
    }

    // Compiles every xs:schema of wsdl:types with the namespaces in scope copied onto it, as WSDL tools do.
    private static Schema schema(Element types, Map<QName, Element> elements) {
        List<Element> schemas = Xml.children(types, XS, "schema");
        require(!schemas.isEmpty(), "wsdl:types has no xs:schema");
        List<DOMSource> sources = new ArrayList<>();
        for (Element s : schemas) {
            Document copy = Xml.newDocument();
            Element root = (Element) copy.importNode(s, true);
            copy.appendChild(root);
            for (Node n = s.getParentNode(); n instanceof Element a; n = n.getParentNode()) {
                NamedNodeMap attrs = a.getAttributes();
                for (int i = 0; i < attrs.getLength(); i++) {
                    Attr at = (Attr) attrs.item(i);
                    if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(at.getNamespaceURI())
                            && !root.hasAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, at.getLocalName())) {
                        root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, at.getName(), at.getValue());
                    }
                }
            }
            sources.add(new DOMSource(copy));
            for (Element el : Xml.children(s, XS, "element")) {
                elements.put(new QName(s.getAttribute("targetNamespace"), el.getAttribute("name")), el);
            }
        }
        try {
            SchemaFactory f = SchemaFactory.newInstance(XS);
            f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            return f.newSchema(sources.toArray(new DOMSource[0]));
        } catch (Exception e) {
            throw new IllegalStateException("the WSDL's schema does not compile: " + e.getMessage(), e);
        }
    }

    // The Relationship must name a host device and, as hosted, the service at this address; returns the host.
    private static String relationship(Element metadata, DpwsVersion v, String serviceAddress) {
        for (Element s : Xml.children(metadata, DpwsVersion.MEX, "MetadataSection")) {
            if (!(v.dpws + "/Relationship").equals(s.getAttribute("Dialect"))) {
                continue;
            }
            for (Element rel : Xml.children(s, v.dpws, "Relationship")) {
                require((v.dpws + "/host").equals(rel.getAttribute("Type")), "Relationship Type is not host");
                Element host = Xml.child(rel, v.dpws, "Host");
                require(host != null, "Relationship without a Host");
                String hostAddress = Xml.childText(Xml.child(host, v.wsa, "EndpointReference"), v.wsa, "Address");
                require(hostAddress != null && !hostAddress.isBlank(), "Host without an address");
                for (Element h : Xml.children(rel, v.dpws, "Hosted")) {
                    String a = Xml.childText(Xml.child(h, v.wsa, "EndpointReference"), v.wsa, "Address");
                    if (serviceAddress.equals(a)) {
                        require(Xml.childText(h, v.dpws, "ServiceId") != null, "Hosted without a ServiceId");
                        require(Xml.childText(h, v.dpws, "Types") != null, "Hosted without Types");
                        return hostAddress;
                    }
                }
            }
        }
        throw new IllegalStateException("no Relationship section names the service " + serviceAddress);
    }

    private static void require(boolean ok, String rule) {
        if (!ok) {
            throw new IllegalStateException(rule);
        }
    }
}
