package org.trusthub.security.wss.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The parts of a SOAP 1.2 envelope, found strictly: one Header at most, exactly one Body, nothing else. */
public record Envelope(Element root, Optional<Element> header, Element body) {

    public static Envelope of(Document document) throws WsSecurityException {
        Element root = document == null ? null : document.getDocumentElement();
        if (root == null || !WssEngine.SOAP12_NS.equals(root.getNamespaceURI())
                || !"Envelope".equals(root.getLocalName())) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "not a SOAP 1.2 envelope");
        }
        Element header = null;
        Element body = null;
        for (Element child : children(root)) {
            boolean soap = WssEngine.SOAP12_NS.equals(child.getNamespaceURI());
            if (soap && "Header".equals(child.getLocalName()) && header == null && body == null) {
                header = child;
            } else if (soap && "Body".equals(child.getLocalName()) && body == null) {
                body = child;
            } else {
                throw new WsSecurityException(Fault.INVALID_SECURITY,
                        "unexpected element " + child.getLocalName() + " in the SOAP envelope");
            }
        }
        if (body == null) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the SOAP envelope has no Body");
        }
        return new Envelope(root, Optional.ofNullable(header), body);
    }

    /** The header blocks other than wsse:Security. */
    List<Element> headerBlocks() {
        List<Element> blocks = new ArrayList<>();
        header.ifPresent(h -> {
            for (Element child : children(h)) {
                if (!isSecurity(child)) {
                    blocks.add(child);
                }
            }
        });
        return blocks;
    }

    /** The one wsse:Security header. */
    Optional<Element> security() throws WsSecurityException {
        Element found = null;
        if (header.isPresent()) {
            for (Element child : children(header.get())) {
                if (isSecurity(child)) {
                    if (found != null) {
                        throw new WsSecurityException(Fault.INVALID_SECURITY, "more than one wsse:Security header");
                    }
                    found = child;
                }
            }
        }
        return Optional.ofNullable(found);
    }

    private static boolean isSecurity(Element element) {
        return "Security".equals(element.getLocalName()) && WssEngine.WSSE_NS.equals(element.getNamespaceURI());
    }

    static List<Element> children(Element parent) {
        List<Element> children = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                children.add(e);
            }
        }
        return children;
    }
}
