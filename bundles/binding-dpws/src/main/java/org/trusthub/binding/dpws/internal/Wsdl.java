package org.trusthub.binding.dpws.internal;

import static org.trusthub.binding.dpws.internal.DpwsVersion.WSDL;
import static org.trusthub.binding.dpws.internal.DpwsVersion.WSDL_SOAP12;

import java.util.ArrayList;
import java.util.List;

import javax.xml.namespace.QName;

import org.w3c.dom.Element;

/** The WSDL 1.1 of the hosted thing service, and reading the operations out of any peer's WSDL. */
public final class Wsdl {

    static final String WSAM = "http://www.w3.org/2007/05/addressing/metadata";
    static final String WSAW = "http://www.w3.org/2006/05/addressing/wsdl";

    /**
     * One operation: its name, input action (null for a notification), output action (null for one-way) and the
     * element its input message carries (null when the WSDL names none).
     */
    public record Operation(String portType, String name, String inputAction, String outputAction,
            QName inputElement) {

        public Operation(String portType, String name, String inputAction, String outputAction) {
            this(portType, name, inputAction, outputAction, null);
        }

        public boolean isEvent() {
            return inputAction == null && outputAction != null;
        }
    }

    private Wsdl() {
    }

    static final String XS = "http://www.w3.org/2001/XMLSchema";
    private static final String XMLNS = "http://www.w3.org/2000/xmlns/";
    /** WS-Addressing 2004/08, whose wsa:Action attribute DPWS 2006 puts on WSDL inputs and outputs. */
    static final String WSA_2004 = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
    static final String SOAP_HTTP = "http://schemas.xmlsoap.org/soap/http";

    /**
     * The WSDL 1.1 of the hosted thing service as a strict consumer takes it: every message part a typed global
     * element of the schema, a SOAP 1.2 document/literal binding with one wsdl:operation per operation, and the
     * portType marked as a WS-Eventing 2004/08 event source (both DPWS generations use that version of WS-Eventing)
     * since it declares the StateChanged notification. Actions are in the generation's own vocabulary: WS-Addressing
     * Metadata (wsam) for DPWS 1.1, the 2004/08 wsa:Action attribute for DPWS 2006.
     */
    static void thingService(Element parent, String address, DpwsVersion v) {
        String th = DeviceHost.TH;
        Element defs = Xml.add(parent, WSDL, "wsdl:definitions");
        defs.setAttribute("targetNamespace", th);
        defs.setAttribute("name", "ThingService");
        defs.setAttributeNS(XMLNS, "xmlns:th", th);
        defs.setAttributeNS(XMLNS, "xmlns:soap12", WSDL_SOAP12);
        defs.setAttributeNS(XMLNS, "xmlns:wse", DpwsVersion.WSE);
        String actionNs = actionNamespace(v);
        String actionAttr = v == DpwsVersion.DPWS_2009 ? "wsam:Action" : "wsa:Action";
        defs.setAttributeNS(XMLNS, "xmlns:" + actionAttr.substring(0, actionAttr.indexOf(':')), actionNs);
        Element types = Xml.add(defs, WSDL, "wsdl:types");
        Element schema = Xml.add(types, XS, "xs:schema");
        schema.setAttributeNS(XMLNS, "xmlns:xs", XS);
        schema.setAttributeNS(XMLNS, "xmlns:th", th);
        schema.setAttribute("targetNamespace", th);
        schema.setAttribute("elementFormDefault", "qualified");
        Element getStatus = Xml.add(schema, XS, "xs:element");
        getStatus.setAttribute("name", "GetStatus");
        Xml.add(Xml.add(getStatus, XS, "xs:complexType"), XS, "xs:sequence");
        Element statusType = Xml.add(schema, XS, "xs:complexType");
        statusType.setAttribute("name", "StatusType");
        Element seq = Xml.add(statusType, XS, "xs:sequence");
        for (String name : new String[] {"Thing", "State"}) {
            Element e = Xml.add(seq, XS, "xs:element");
            e.setAttribute("name", name);
            e.setAttribute("type", "xs:string");
        }
        for (String name : new String[] {"Status", "StateChanged"}) {
            Element el = Xml.add(schema, XS, "xs:element");
            el.setAttribute("name", name);
            el.setAttribute("type", "th:StatusType");
        }
        message(defs, "GetStatusRequest", "th:GetStatus");
        message(defs, "GetStatusResponse", "th:Status");
        message(defs, "StateChanged", "th:StateChanged");
        Element pt = Xml.add(defs, WSDL, "wsdl:portType");
        pt.setAttribute("name", DeviceHost.THING_PORT_TYPE.getLocalPart());
        pt.setAttributeNS(DpwsVersion.WSE, "wse:EventSource", "true");
        Element op = Xml.add(pt, WSDL, "wsdl:operation");
        op.setAttribute("name", "GetStatus");
        Element in = Xml.add(op, WSDL, "wsdl:input");
        in.setAttribute("message", "th:GetStatusRequest");
        in.setAttributeNS(actionNs, actionAttr, DeviceHost.GET_STATUS);
        Element out = Xml.add(op, WSDL, "wsdl:output");
        out.setAttribute("message", "th:GetStatusResponse");
        out.setAttributeNS(actionNs, actionAttr, DeviceHost.GET_STATUS_RESPONSE);
        Element ev = Xml.add(pt, WSDL, "wsdl:operation");
        ev.setAttribute("name", "StateChanged");
        Element evOut = Xml.add(ev, WSDL, "wsdl:output");
        evOut.setAttribute("message", "th:StateChanged");
        evOut.setAttributeNS(actionNs, actionAttr, DeviceHost.STATE_CHANGED);
        Element binding = Xml.add(defs, WSDL, "wsdl:binding");
        binding.setAttribute("name", "ThingBinding");
        binding.setAttribute("type", "th:" + DeviceHost.THING_PORT_TYPE.getLocalPart());
        Element sb = Xml.add(binding, WSDL_SOAP12, "soap12:binding");
        sb.setAttribute("style", "document");
        sb.setAttribute("transport", SOAP_HTTP);
        bindingOperation(binding, "GetStatus", DeviceHost.GET_STATUS, true, true);
        bindingOperation(binding, "StateChanged", DeviceHost.STATE_CHANGED, false, true);
        Element svc = Xml.add(defs, WSDL, "wsdl:service");
        svc.setAttribute("name", "ThingService");
        Element port = Xml.add(svc, WSDL, "wsdl:port");
        port.setAttribute("name", "ThingPort");
        port.setAttribute("binding", "th:ThingBinding");
        Xml.add(port, WSDL_SOAP12, "soap12:address").setAttribute("location", address);
    }

    /** The namespace of the Action attribute on WSDL inputs and outputs in a DPWS generation. */
    static String actionNamespace(DpwsVersion v) {
        return v == DpwsVersion.DPWS_2009 ? WSAM : WSA_2004;
    }

    private static void bindingOperation(Element binding, String name, String action, boolean input,
            boolean output) {
        Element op = Xml.add(binding, WSDL, "wsdl:operation");
        op.setAttribute("name", name);
        Element so = Xml.add(op, WSDL_SOAP12, "soap12:operation");
        so.setAttribute("soapAction", action);
        so.setAttribute("soapActionRequired", "true");
        if (input) {
            Xml.add(Xml.add(op, WSDL, "wsdl:input"), WSDL_SOAP12, "soap12:body").setAttribute("use", "literal");
        }
        if (output) {
            Xml.add(Xml.add(op, WSDL, "wsdl:output"), WSDL_SOAP12, "soap12:body").setAttribute("use", "literal");
        }
    }

    private static void message(Element defs, String name, String element) {
        Element m = Xml.add(defs, WSDL, "wsdl:message");
        m.setAttribute("name", name);
        Element part = Xml.add(m, WSDL, "wsdl:part");
        part.setAttribute("name", "body");
        part.setAttribute("element", element);
    }

    /** The operations of every portType in a wsdl:definitions element. */
    public static List<Operation> operations(Element definitions) {
        List<Operation> ops = new ArrayList<>();
        String tns = definitions.getAttribute("targetNamespace");
        for (Element pt : Xml.children(definitions, WSDL, "portType")) {
            String ptName = pt.getAttribute("name");
            for (Element op : Xml.children(pt, WSDL, "operation")) {
                String name = op.getAttribute("name");
                Element in = Xml.child(op, WSDL, "input");
                Element out = Xml.child(op, WSDL, "output");
                String inAction = in == null ? null : action(in, tns, ptName, name + (out == null ? "" : "Request"));
                String outAction = out == null ? null : action(out, tns, ptName, name + (in == null ? "" : "Response"));
                ops.add(new Operation(ptName, name, inAction, outAction, in == null ? null
                        : partElement(definitions, in.getAttribute("message"))));
            }
        }
        return ops;
    }

    // The element of the first part of a message, by the message's QName as the portType wrote it.
    private static QName partElement(Element definitions, String messageRef) {
        QName ref = qname(definitions, messageRef);
        if (ref == null) {
            return null;
        }
        for (Element m : Xml.children(definitions, WSDL, "message")) {
            if (m.getAttribute("name").equals(ref.getLocalPart())) {
                Element part = Xml.child(m, WSDL, "part");
                return part == null || !part.hasAttribute("element") ? null
                        : qname(part, part.getAttribute("element"));
            }
        }
        return null;
    }

    /** A prefixed name resolved against the namespaces in scope at {@code at}; null when it does not resolve. */
    static QName qname(Element at, String prefixed) {
        if (prefixed == null || prefixed.isBlank()) {
            return null;
        }
        String text = prefixed.trim();
        int colon = text.indexOf(':');
        String prefix = colon < 0 ? null : text.substring(0, colon);
        String ns = at.lookupNamespaceURI(prefix);
        return ns == null && prefix != null ? null : new QName(ns == null ? "" : ns, text.substring(colon + 1));
    }

    // Explicit wsam/wsaw Action, else the WS-Addressing default action pattern.
    private static String action(Element io, String tns, String portType, String defaultName) {
        for (String ns : new String[] {WSAM, WSAW, "http://www.w3.org/2005/08/addressing", WSA_2004}) {
            if (io.hasAttributeNS(ns, "Action")) {
                return io.getAttributeNS(ns, "Action").trim();
            }
        }
        String name = io.hasAttribute("name") ? io.getAttribute("name") : defaultName;
        return tns + (tns.endsWith("/") ? "" : "/") + portType + "/" + name;
    }
}
