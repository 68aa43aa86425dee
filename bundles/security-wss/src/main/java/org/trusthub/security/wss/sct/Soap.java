package org.trusthub.security.wss.sct;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.w3c.dom.Attr;
import org.trusthub.security.wss.internal.Envelope;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/** The parts of a SOAP 1.2 envelope, read strictly (one Header at most, one Body, nothing else). */
final class Soap {

    static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
    static final String WSSE = WsSecurityException.WSSE_NS;
    static final String WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    static final String WSC = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512";
    static final String DS = "http://www.w3.org/2000/09/xmldsig#";

    final Element root;
    final Element header;
    final Element body;

    private Soap(Element root, Element header, Element body) {
        this.root = root;
        this.header = header;
        this.body = body;
    }

    // The one strict reading of an envelope the WS-Security engine uses too.
    static Soap of(Document document) throws WsSecurityException {
        Envelope e = Envelope.of(document);
        return new Soap(e.root(), e.header().orElse(null), e.body());
    }

    /** Header blocks other than wsse:Security. */
    List<Element> headerBlocks() {
        List<Element> out = new ArrayList<>();
        if (header != null) {
            for (Element e : children(header)) {
                if (!is(e, WSSE, "Security")) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    Optional<Element> security() throws WsSecurityException {
        Element found = null;
        if (header != null) {
            for (Element e : children(header)) {
                if (is(e, WSSE, "Security")) {
                    if (found != null) {
                        throw new WsSecurityException(Fault.INVALID_SECURITY, "more than one wsse:Security header");
                    }
                    found = e;
                }
            }
        }
        return Optional.ofNullable(found);
    }

    static boolean is(Element e, String ns, String local) {
        return ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName());
    }

    static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    static List<Element> children(Element parent, String ns, String local) {
        return children(parent).stream().filter(e -> is(e, ns, local)).toList();
    }

    static String ensureId(Element element, String prefix) {
        String id = element.getAttributeNS(WSU, "Id");
        if (!id.isEmpty()) {
            return id;
        }
        id = prefix + UUID.randomUUID();
        element.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wsu", WSU);
        element.setAttributeNS(WSU, "wsu:Id", id);
        return id;
    }

    /**
     * Writes an xmlns attribute wherever an element's or attribute's prefix is declared by no ancestor's attribute.
     * A serializer fixes such a DOM up on output, but the signature canonicalizes the DOM as it is: an element built
     * with createElementNS and no declaration would be signed in one form and received in another.
     */
    static void declareNamespaces(Element e) {
        declare(e, e.getPrefix(), e.getNamespaceURI());
        NamedNodeMap attributes = e.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            if (a.getPrefix() != null && a.getNamespaceURI() != null && !XMLNS.equals(a.getNamespaceURI())) {
                declare(e, a.getPrefix(), a.getNamespaceURI());
            }
        }
        for (Element c : children(e)) {
            declareNamespaces(c);
        }
    }

    private static final String XMLNS = "http://www.w3.org/2000/xmlns/";

    private static void declare(Element e, String prefix, String ns) {
        if (ns == null || "xml".equals(prefix)) {
            return;
        }
        String attr = prefix == null ? "xmlns" : prefix;
        for (Node n = e; n instanceof Element a; n = n.getParentNode()) {
            if (a.hasAttributeNS(XMLNS, attr)) {
                if (ns.equals(a.getAttributeNS(XMLNS, attr))) {
                    return;
                }
                break;
            }
        }
        e.setAttributeNS(XMLNS, prefix == null ? "xmlns" : "xmlns:" + prefix, ns);
    }

    /** Two elements with one id let a signature cover one and the receiver read the other (signature wrapping). */
    static void rejectDuplicateIds(Element root) throws WsSecurityException {
        Set<String> seen = new HashSet<>();
        List<Element> stack = new ArrayList<>(List.of(root));
        while (!stack.isEmpty()) {
            Element e = stack.remove(stack.size() - 1);
            NamedNodeMap attributes = e.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                Attr a = (Attr) attributes.item(i);
                String local = a.getLocalName() == null ? a.getName() : a.getLocalName();
                if (("Id".equals(local) || "ID".equals(local) || "id".equals(local)
                        && "http://www.w3.org/XML/1998/namespace".equals(a.getNamespaceURI()))
                        && !seen.add(a.getValue())) {
                    throw new WsSecurityException(Fault.INVALID_SECURITY,
                            "duplicate id in the envelope (signature wrapping)");
                }
            }
            stack.addAll(children(e));
        }
    }
}
