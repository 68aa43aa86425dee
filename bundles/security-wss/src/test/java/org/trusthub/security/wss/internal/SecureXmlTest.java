package org.trusthub.security.wss.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SecureXmlTest {

    private static IllegalArgumentException refused(String xml) {
        return assertThrows(IllegalArgumentException.class,
                () -> SecureXml.parse(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void externalEntityIsRefused() {
        IllegalArgumentException e = refused("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "
                + "\"file:///etc/passwd\">]><x>&xxe;</x>");
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    }

    @Test
    void entityExpansionIsRefused() {
        refused("<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><x>&b;&b;</x>");
    }

    @Test
    void anyDtdIsRefused() {
        refused("<!DOCTYPE x SYSTEM \"http://127.0.0.1:9/x.dtd\"><x/>");
    }

    @Test
    void oversizeEnvelopeIsRefusedBeforeParsing() {
        String big = "<x>" + "a".repeat(SecureXml.MAX_ENVELOPE_BYTES) + "</x>";
        IllegalArgumentException e = refused(big);
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void wellFormedEnvelopeParsesNamespaceAware() {
        assertEquals(WssEngine.SOAP12_NS, Envelopes.invoke().getDocumentElement().getNamespaceURI());
    }
}
