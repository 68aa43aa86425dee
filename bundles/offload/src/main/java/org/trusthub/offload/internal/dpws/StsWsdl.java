package org.trusthub.offload.internal.dpws;

import org.trusthub.offload.wstrust.SctFormat;

import org.trusthub.offload.wstrust.WsTrust;
import org.w3c.dom.Element;

/** The WSDL 1.1 of the token service: one request-response operation, Issue, with WS-Trust 1.4's actions. */
final class StsWsdl {

    private static final String WSDL = "http://schemas.xmlsoap.org/wsdl/";
    private static final String SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/";
    private static final String WSAM = "http://www.w3.org/2007/05/addressing/metadata";
    private static final String XS = "http://www.w3.org/2001/XMLSchema";
    private static final String XMLNS = "http://www.w3.org/2000/xmlns/";

    private StsWsdl() {
    }

    static void write(Element section, String address) {
        Element defs = add(section, WSDL, "wsdl:definitions");
        defs.setAttribute("targetNamespace", WsTrust.TH);
        defs.setAttribute("name", "SecurityTokenService");
        defs.setAttributeNS(XMLNS, "xmlns:th", WsTrust.TH);
        defs.setAttributeNS(XMLNS, "xmlns:wst", WsTrust.WST);
        defs.setAttributeNS(XMLNS, "xmlns:wsam", WSAM);
        defs.setAttributeNS(XMLNS, "xmlns:soap12", SOAP12);
        Element schema = add(add(defs, WSDL, "wsdl:types"), XS, "xs:schema");
        schema.setAttribute("targetNamespace", WsTrust.WST);
        for (String name : new String[] {"RequestSecurityToken", "RequestSecurityTokenResponseCollection"}) {
            add(schema, XS, "xs:element").setAttribute("name", name);
        }
        message(defs, "IssueRequest", "wst:RequestSecurityToken");
        message(defs, "IssueResponse", "wst:RequestSecurityTokenResponseCollection");
        Element pt = add(defs, WSDL, "wsdl:portType");
        pt.setAttribute("name", StsService.TYPE.getLocalPart());
        Element op = add(pt, WSDL, "wsdl:operation");
        op.setAttribute("name", "Issue");
        Element in = add(op, WSDL, "wsdl:input");
        in.setAttribute("message", "th:IssueRequest");
        in.setAttributeNS(WSAM, "wsam:Action", SctFormat.ISSUE_ACTION);
        Element out = add(op, WSDL, "wsdl:output");
        out.setAttribute("message", "th:IssueResponse");
        out.setAttributeNS(WSAM, "wsam:Action", SctFormat.ISSUE_FINAL_ACTION);
        Element binding = add(defs, WSDL, "wsdl:binding");
        binding.setAttribute("name", "SecurityTokenServiceBinding");
        binding.setAttribute("type", "th:" + StsService.TYPE.getLocalPart());
        Element sb = add(binding, SOAP12, "soap12:binding");
        sb.setAttribute("style", "document");
        sb.setAttribute("transport", "http://schemas.xmlsoap.org/soap/http");
        Element svc = add(defs, WSDL, "wsdl:service");
        svc.setAttribute("name", "SecurityTokenService");
        Element port = add(svc, WSDL, "wsdl:port");
        port.setAttribute("name", "SecurityTokenServicePort");
        port.setAttribute("binding", "th:SecurityTokenServiceBinding");
        add(port, SOAP12, "soap12:address").setAttribute("location", address);
    }

    private static void message(Element defs, String name, String element) {
        Element m = add(defs, WSDL, "wsdl:message");
        m.setAttribute("name", name);
        Element part = add(m, WSDL, "wsdl:part");
        part.setAttribute("name", "body");
        part.setAttribute("element", element);
    }

    private static Element add(Element parent, String ns, String qname) {
        Element e = parent.getOwnerDocument().createElementNS(ns, qname);
        parent.appendChild(e);
        return e;
    }
}
