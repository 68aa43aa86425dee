package org.trusthub.binding.dpws.internal;

import static org.trusthub.binding.dpws.internal.DpwsVersion.WSDL;
import static org.trusthub.binding.dpws.internal.DpwsVersion.WSDL_SOAP12;

import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Element;

/** The WSDL 1.1 of the hosted thing service, and reading the operations out of any peer's WSDL. */
public final class Wsdl {

    static final String WSAM = "http://www.w3.org/2007/05/addressing/metadata";
    static final String WSAW = "http://www.w3.org/2006/05/addressing/wsdl";

    /** One operation: its name, input action (null for a notification) and output action (null for one-way). */
    public record Operation(String portType, String name, String inputAction, String outputAction) {
        public boolean isEvent() {
            return inputAction == null && outputAction != null;
        }
    }

    private Wsdl() {
    }

    static void thingService(Element parent, String address) {
        String th = DeviceHost.TH;
        Element defs = Xml.add(parent, WSDL, "wsdl:definitions");
        defs.setAttribute("targetNamespace", th);
        defs.setAttribute("name", "ThingService");
        defs.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:th", th);
        defs.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wsam", WSAM);
        defs.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:soap12", WSDL_SOAP12);
        Element types = Xml.add(defs, WSDL, "wsdl:types");
        Element schema = Xml.add(types, "http://www.w3.org/2001/XMLSchema", "xs:schema");
        schema.setAttribute("targetNamespace", th);
        schema.setAttribute("elementFormDefault", "qualified");
        for (String name : new String[] {"GetStatus", "Status", "StateChanged"}) {
            Element el = Xml.add(schema, "http://www.w3.org/2001/XMLSchema", "xs:element");
            el.setAttribute("name", name);
        }
        message(defs, "GetStatusRequest", "th:GetStatus");
        message(defs, "GetStatusResponse", "th:Status");
        message(defs, "StateChanged", "th:StateChanged");
        Element pt = Xml.add(defs, WSDL, "wsdl:portType");
        pt.setAttribute("name", DeviceHost.THING_PORT_TYPE.getLocalPart());
        Element op = Xml.add(pt, WSDL, "wsdl:operation");
        op.setAttribute("name", "GetStatus");
        Element in = Xml.add(op, WSDL, "wsdl:input");
        in.setAttribute("message", "th:GetStatusRequest");
        in.setAttributeNS(WSAM, "wsam:Action", DeviceHost.GET_STATUS);
        Element out = Xml.add(op, WSDL, "wsdl:output");
        out.setAttribute("message", "th:GetStatusResponse");
        out.setAttributeNS(WSAM, "wsam:Action", DeviceHost.GET_STATUS_RESPONSE);
        Element ev = Xml.add(pt, WSDL, "wsdl:operation");
        ev.setAttribute("name", "StateChanged");
        Element evOut = Xml.add(ev, WSDL, "wsdl:output");
        evOut.setAttribute("message", "th:StateChanged");
        evOut.setAttributeNS(WSAM, "wsam:Action", DeviceHost.STATE_CHANGED);
        Element binding = Xml.add(defs, WSDL, "wsdl:binding");
        binding.setAttribute("name", "ThingBinding");
        binding.setAttribute("type", "th:ThingPortType");
        Element sb = Xml.add(binding, WSDL_SOAP12, "soap12:binding");
        sb.setAttribute("style", "document");
        sb.setAttribute("transport", "http://schemas.xmlsoap.org/soap/http");
        Element svc = Xml.add(defs, WSDL, "wsdl:service");
        svc.setAttribute("name", "ThingService");
        Element port = Xml.add(svc, WSDL, "wsdl:port");
        port.setAttribute("name", "ThingPort");
        port.setAttribute("binding", "th:ThingBinding");
        Xml.add(port, WSDL_SOAP12, "soap12:address").setAttribute("location", address);
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
                ops.add(new Operation(ptName, name, inAction, outAction));
            }
        }
        return ops;
    }

    // Explicit wsam/wsaw Action, else the WS-Addressing default action pattern.
    private static String action(Element io, String tns, String portType, String defaultName) {
        for (String ns : new String[] {WSAM, WSAW, "http://www.w3.org/2005/08/addressing",
                "http://schemas.xmlsoap.org/ws/2004/08/addressing"}) {
            if (io.hasAttributeNS(ns, "Action")) {
                return io.getAttributeNS(ns, "Action").trim();
            }
        }
        String name = io.hasAttribute("name") ? io.getAttribute("name") : defaultName;
        return tns + (tns.endsWith("/") ? "" : "/") + portType + "/" + name;
    }
}
