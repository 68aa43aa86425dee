package org.trusthub.security.wss.internal;

import java.nio.charset.StandardCharsets;

import org.w3c.dom.Document;

/** DPWS-style SOAP 1.2 envelopes for tests. */
final class Envelopes {

    static final String INVOKE = "<s12:Envelope xmlns:s12=\"http://www.w3.org/2003/05/soap-envelope\""
            + " xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">"
            + "<s12:Header>"
            + "<wsa:Action>http://example.org/lamp/SwitchPower/SetTarget</wsa:Action>"
            + "<wsa:MessageID>urn:uuid:6a1b8c3e-2f53-4d7e-9a3c-1b2c3d4e5f60</wsa:MessageID>"
            + "<wsa:To>urn:uuid:0f6e5d4c-3b2a-4190-8a7b-6c5d4e3f2a1b</wsa:To>"
            + "</s12:Header>"
            + "<s12:Body><l:SetTarget xmlns:l=\"http://example.org/lamp\"><l:Power>on</l:Power>"
            + "<l:Level>75</l:Level></l:SetTarget></s12:Body>"
            + "</s12:Envelope>";

    private Envelopes() {
    }

    static Document invoke() {
        return SecureXml.parse(INVOKE.getBytes(StandardCharsets.UTF_8));
    }

    /** Serializes and parses again: what the receiver gets off the wire. */
    static Document wire(Document document) {
        return SecureXml.parse(SecureXml.serialize(document));
    }

    static String text(Document document) {
        return new String(SecureXml.serialize(document), StandardCharsets.UTF_8);
    }
}
