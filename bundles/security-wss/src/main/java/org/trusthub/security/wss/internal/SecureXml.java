package org.trusthub.security.wss.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

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
import org.xml.sax.SAXException;

/**
 * The one way this bundle parses and writes XML: namespace aware, no DTD (so no entity declarations, internal or
 * external), no external access, secure processing limits on, bounded input. Parsers are made per call because
 * DocumentBuilder is not thread safe and the factory settings are what matters.
 */
public final class SecureXml {

    /** The DPWS limit of a SOAP message over HTTP; nothing larger is parsed. */
    public static final int MAX_ENVELOPE_BYTES = 32767;

    private static final DocumentBuilderFactory FACTORY = factory();
    private static final TransformerFactory TRANSFORMERS = transformers();

    private SecureXml() {
    }

    /**
     * Parses an envelope.
     *
     * @throws IllegalArgumentException if it is larger than {@code maxBytes}, has a DTD or is not well formed
     */
    public static Document parse(byte[] xml, int maxBytes) {
        if (xml.length > maxBytes) {
            throw new IllegalArgumentException("XML is " + xml.length + " bytes, more than the limit of " + maxBytes);
        }
        try {
            DocumentBuilder builder = FACTORY.newDocumentBuilder();
            builder.setErrorHandler(null);
            // No resolver may ever be asked: a DTD is refused before any entity would be resolved.
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not resolved");
            });
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new IllegalArgumentException("malformed or unsafe XML: " + e.getMessage(), e);
        }
    }

    /** Parses an envelope of at most {@value #MAX_ENVELOPE_BYTES} bytes. */
    public static Document parse(byte[] xml) {
        return parse(xml, MAX_ENVELOPE_BYTES);
    }

    /** A fresh empty document from the hardened factory. */
    public static Document newDocument() {
        try {
            return FACTORY.newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser unavailable", e);
        }
    }

    /** Writes a document as UTF-8, without an XML declaration and without reformatting. */
    public static byte[] serialize(Document document) {
        try {
            Transformer transformer = TRANSFORMERS.newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.setOutputProperty(OutputKeys.INDENT, "no");
            ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
            transformer.transform(new DOMSource(document), new StreamResult(out));
            return out.toByteArray();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialize XML: " + e.getMessage(), e);
        }
    }

    private static DocumentBuilderFactory factory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setValidating(false);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setIgnoringComments(false);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser cannot be hardened: " + e.getMessage(), e);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory;
    }

    private static TransformerFactory transformers() {
        TransformerFactory factory = TransformerFactory.newInstance();
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (javax.xml.transform.TransformerConfigurationException e) {
            throw new IllegalStateException("XML writer cannot be hardened: " + e.getMessage(), e);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
        return factory;
    }
}
