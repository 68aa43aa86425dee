package org.trusthub.binding.dpws.internal;

import static org.trusthub.binding.dpws.internal.DpwsVersion.SOAP;

import java.util.Set;
import java.util.UUID;

import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A SOAP 1.2 envelope with WS-Addressing headers, read from or written to a DOM. Reading checks the shape and
 * refuses headers marked mustUnderstand that nothing here understands.
 */
public final class SoapMessage {

    public final Document doc;
    public final DpwsVersion version;
    public final Element header;
    public final Element body;
    private String action;

    private SoapMessage(Document doc, DpwsVersion version, Element header, Element body, String action) {
        this.doc = doc;
        this.version = version;
        this.header = header;
        this.body = body;
        this.action = action;
    }

    /** A fresh envelope with wsa:Action, wsa:MessageID and (when given) wsa:To and wsa:RelatesTo. */
    public static SoapMessage create(DpwsVersion v, String action, String to, String relatesTo) {
        Document doc = Xml.newDocument();
        Element env = doc.createElementNS(SOAP, "soap:Envelope");
        doc.appendChild(env);
        env.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wsa", v.wsa);
        env.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wsd", v.wsd);
        env.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:" + dpwsPrefix(v), v.dpws);
        Element header = Xml.add(env, SOAP, "soap:Header");
        Element body = Xml.add(env, SOAP, "soap:Body");
        SoapMessage m = new SoapMessage(doc, v, header, body, action);
        Xml.add(header, v.wsa, "wsa:Action", action);
        Xml.add(header, v.wsa, "wsa:MessageID", "urn:uuid:" + UUID.randomUUID());
        if (to != null) {
            Xml.add(header, v.wsa, "wsa:To", to);
        }
        if (relatesTo != null) {
            Xml.add(header, v.wsa, "wsa:RelatesTo", relatesTo);
        }
        return m;
    }

    /** The prefix of the DPWS namespace; wsdd matches the literal Types text "wsdp:Device" of the 2006 draft. */
    public static String dpwsPrefix(DpwsVersion v) {
        return v == DpwsVersion.DPWS_2006 ? "wsdp" : "dpws";
    }

    /**
     * Reads a parsed envelope.
     *
     * @param understood namespaces of headers this receiver processes (beside WS-Addressing)
     */
    public static SoapMessage read(Document doc, Set<String> understood) throws MalformedMessageException {
        Element env = doc.getDocumentElement();
        if (env == null || !"Envelope".equals(env.getLocalName())) {
            throw new MalformedMessageException("not a SOAP envelope");
        }
        if (!SOAP.equals(env.getNamespaceURI())) {
            throw new MalformedMessageException("not a SOAP 1.2 envelope (namespace " + Xml.printable(
                    env.getNamespaceURI()) + ")");
        }
        Element header = Xml.child(env, SOAP, "Header");
        Element body = Xml.child(env, SOAP, "Body");
        if (header == null || body == null) {
            throw new MalformedMessageException("envelope without " + (header == null ? "Header" : "Body"));
        }
        if (Xml.children(env, SOAP, "Body").size() != 1 || Xml.children(env, SOAP, "Header").size() != 1) {
            throw new MalformedMessageException("envelope with more than one Header or Body");
        }
        DpwsVersion version = null;
        Element actionElement = null;
        for (Element h : Xml.children(header, null, "Action")) {
            DpwsVersion v = DpwsVersion.ofAddressing(h.getNamespaceURI());
            if (v != null) {
                if (actionElement != null) {
                    throw new MalformedMessageException("more than one wsa:Action header");
                }
                version = v;
                actionElement = h;
            }
        }
        if (version == null) {
            throw new MalformedMessageException("no WS-Addressing Action header (2005/08 or 2004/08)");
        }
        for (Element h : Xml.children(header, null, null)) {
            Attr mu = h.getAttributeNodeNS(SOAP, "mustUnderstand");
            if (mu != null && ("true".equals(mu.getValue().trim()) || "1".equals(mu.getValue().trim()))) {
                String ns = h.getNamespaceURI();
                if (!version.wsa.equals(ns) && !version.wsd.equals(ns) && (ns == null || !understood.contains(ns))) {
                    throw new MalformedMessageException("header {" + Xml.printable(ns) + "}" + h.getLocalName()
                            + " is marked mustUnderstand and not understood");
                }
            }
        }
        return new SoapMessage(doc, version, header, body, Xml.text(actionElement));
    }

    public String action() {
        return action;
    }

    public String messageId() {
        return Xml.childText(header, version.wsa, "MessageID");
    }

    public String to() {
        return Xml.childText(header, version.wsa, "To");
    }

    public String relatesTo() {
        return Xml.childText(header, version.wsa, "RelatesTo");
    }

    /** The wsa:ReplyTo address, or null when absent (then the reply goes back on the same connection). */
    public String replyTo() {
        Element r = Xml.child(header, version.wsa, "ReplyTo");
        return r == null ? null : Xml.childText(r, version.wsa, "Address");
    }

    /** The first child element of the body, or null for an empty body. */
    public Element payload() {
        return Xml.firstElement(body);
    }

    public AppSequence appSequence() throws MalformedMessageException {
        Element a = Xml.child(header, version.wsd, "AppSequence");
        if (a == null) {
            return null;
        }
        try {
            long instance = Long.parseUnsignedLong(a.getAttribute("InstanceId").trim());
            long number = Long.parseUnsignedLong(a.getAttribute("MessageNumber").trim());
            String seq = a.hasAttribute("SequenceId") ? a.getAttribute("SequenceId").trim() : "";
            return new AppSequence(instance, seq, number);
        } catch (NumberFormatException e) {
            throw new MalformedMessageException("AppSequence with a non-numeric InstanceId or MessageNumber");
        }
    }

    public void addAppSequence(AppSequence s) {
        Element a = Xml.add(header, version.wsd, "wsd:AppSequence");
        a.setAttribute("InstanceId", Long.toUnsignedString(s.instanceId()));
        if (!s.sequenceId().isEmpty()) {
            a.setAttribute("SequenceId", s.sequenceId());
        }
        a.setAttribute("MessageNumber", Long.toUnsignedString(s.messageNumber()));
    }

    public boolean hasSecurityHeader() {
        return Xml.child(header, DpwsVersion.WSSE, "Security") != null;
    }

    public byte[] bytes() {
        return Xml.serialize(doc);
    }

    /** A SOAP 1.2 fault reply to a request, in the request's addressing generation. */
    public static SoapMessage fault(DpwsVersion v, String relatesTo, String code, String subcode, String reason) {
        SoapMessage m = create(v, v.wsaFault(), v.anonymous, relatesTo);
        Element fault = Xml.add(m.body, SOAP, "soap:Fault");
        Element c = Xml.add(fault, SOAP, "soap:Code");
        Xml.add(c, SOAP, "soap:Value", "soap:" + code);
        if (subcode != null) {
            Element sc = Xml.add(c, SOAP, "soap:Subcode");
            Element value = Xml.add(sc, SOAP, "soap:Value", subcode);
            if (subcode.startsWith("wsse:")) {
                value.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wsse", DpwsVersion.WSSE);
            } else if (subcode.startsWith("wse:")) {
                value.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wse", DpwsVersion.WSE);
            }
        }
        Element r = Xml.add(fault, SOAP, "soap:Reason");
        Element t = Xml.add(r, SOAP, "soap:Text", reason);
        t.setAttributeNS("http://www.w3.org/XML/1998/namespace", "xml:lang", "en");
        return m;
    }

    /** The reason text when this message is a SOAP fault, otherwise null. */
    public String faultReason() {
        Element f = Xml.child(body, SOAP, "Fault");
        if (f == null) {
            return null;
        }
        Element r = Xml.child(f, SOAP, "Reason");
        String text = r == null ? null : Xml.childText(r, SOAP, "Text");
        return text == null ? "SOAP fault" : text;
    }
}
