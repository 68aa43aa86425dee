package org.trusthub.binding.dpws.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The one place XML enters and leaves the binding. Parsing refuses DTDs outright (so no entity of any kind, no
 * external fetch, no expansion bomb) and anything over the transport's size limit, before a byte is parsed.
 */
public final class Xml {

    /** DPWS 1.1 section 3.1.1 / SOAP-over-UDP: largest envelope in one datagram. */
    public static final int MAX_UDP = 4096;
    /** DPWS 1.1 R0029-ish limit the issue names for HTTP envelopes. */
    public static final int MAX_HTTP = 32767;

    // The JDK's own parser, not whatever a bundle in the container registered under the JAXP lookup: the
    // hardening features below are the built-in Xerces' names.
    private static final DocumentBuilderFactory FACTORY = hardenedFactory();
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(Xml::newBuilder);
    private static final ThreadLocal<Transformer> SERIALIZER = ThreadLocal.withInitial(Xml::newSerializer);

    private Xml() {
    }

    private static DocumentBuilderFactory hardenedFactory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
        f.setNamespaceAware(true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser lacks a hardening feature", e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    private static DocumentBuilder newBuilder() {
        try {
            synchronized (FACTORY) {
                DocumentBuilder b = FACTORY.newDocumentBuilder();
                b.setErrorHandler(SILENT);
                b.setEntityResolver((publicId, systemId) -> {
                    throw new SAXException("external entity refused: " + systemId);
                });
                return b;
            }
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Transformer newSerializer() {
        try {
            TransformerFactory tf = TransformerFactory.newDefaultInstance();
            tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Transformer t = tf.newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.INDENT, "no");
            return t;
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }

    // The parser would print to stderr otherwise; errors surface as the thrown exception instead.
    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    /** Parses an envelope of at most {@code limit} bytes. */
    public static Document parse(byte[] data, int length, int limit) throws MalformedMessageException {
        if (length > limit) {
            throw new MalformedMessageException("envelope of " + length + " bytes exceeds the limit of " + limit);
        }
        DocumentBuilder b = BUILDER.get();
        try {
            return b.parse(new ByteArrayInputStream(data, 0, length));
        } catch (SAXException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("DOCTYPE")) {
                throw new MalformedMessageException("DTD refused: envelopes must not carry a DOCTYPE", e);
            }
            throw new MalformedMessageException("not well-formed XML: " + printable(m), e);
        } catch (java.io.IOException e) {
            throw new MalformedMessageException("unreadable envelope: " + e.getMessage(), e);
        } finally {
            b.reset();
        }
    }

    public static Document parse(byte[] data, int limit) throws MalformedMessageException {
        return parse(data, data.length, limit);
    }

    public static Document newDocument() {
        return BUILDER.get().newDocument();
    }

    public static byte[] serialize(Document doc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            SERIALIZER.get().transform(new DOMSource(doc), new StreamResult(out));
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialise a DOM the binding built", e);
        }
        return out.toByteArray();
    }

    public static Element child(Element parent, String ns, String local) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && local.equals(e.getLocalName()) && ns.equals(e.getNamespaceURI())) {
                return e;
            }
        }
        return null;
    }

    public static List<Element> children(Element parent, String ns, String local) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (local == null || local.equals(e.getLocalName()))
                    && (ns == null || ns.equals(e.getNamespaceURI()))) {
                out.add(e);
            }
        }
        return out;
    }

    public static Element firstElement(Element parent) {
        List<Element> all = children(parent, null, null);
        return all.isEmpty() ? null : all.get(0);
    }

    public static String text(Element e) {
        return e == null ? null : e.getTextContent().trim();
    }

    public static String childText(Element parent, String ns, String local) {
        return text(child(parent, ns, local));
    }

    public static Element add(Element parent, String ns, String qname) {
        Element e = parent.getOwnerDocument().createElementNS(ns, qname);
        parent.appendChild(e);
        return e;
    }

    public static Element add(Element parent, String ns, String qname, String text) {
        Element e = add(parent, ns, qname);
        e.setTextContent(text);
        return e;
    }

    /**
     * Writes an xmlns attribute wherever an element's prefix is declared by no ancestor's attribute. A serialiser
     * fixes such a DOM up on output, but signing and encryption canonicalise or cut out fragments of the DOM as it
     * is, so every namespace a fragment uses must be declared in the tree itself.
     */
    public static void declareNamespaces(Document doc) {
        Element root = doc.getDocumentElement();
        if (root != null) {
            declare(root);
        }
    }

    private static void declare(Element e) {
        String ns = e.getNamespaceURI();
        if (ns != null) {
            String prefix = e.getPrefix();
            if (!ns.equals(declared(e, prefix))) {
                e.setAttributeNS(XMLNS, prefix == null ? "xmlns" : "xmlns:" + prefix, ns);
            }
        }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                declare(c);
            }
        }
    }

    private static final String XMLNS = "http://www.w3.org/2000/xmlns/";

    private static String declared(Element e, String prefix) {
        String attr = prefix == null ? "xmlns" : prefix;
        for (Node n = e; n instanceof Element a; n = n.getParentNode()) {
            if (prefix == null ? a.hasAttributeNS(XMLNS, "xmlns") : a.hasAttributeNS(XMLNS, attr)) {
                return a.getAttributeNS(XMLNS, attr);
            }
        }
        return null;
    }

    /** Text from a peer, made safe for one log line. */
    public static String printable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(200).forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                b.appendCodePoint(c);
            } else {
                b.append('?');
            }
        });
        return text.length() > 200 ? b + "..." : b.toString();
    }
}
