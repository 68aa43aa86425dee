package org.trusthub.security.app.wss.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trusthub.security.app.wss.internal.WsSecurityComponentTest.config;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.security.app.wss.WsSecurityException;
import org.trusthub.security.app.wss.WsSecurityException.Fault;
import org.trusthub.security.app.wss.WssResult;
import org.trusthub.security.app.wss.sct.SctSigner;
import org.trusthub.security.app.wss.sct.SecurityContext;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The provider's request path for hosted things, with a security context token instead of an X.509 signature. */
class SctRequestsTest {

    static final ThingId SWITCH = ThingId.of("switch-1");
    static final ThingId LAMP = ThingId.of("lamp-1");
    static final ThingId SECRET_LAMP = ThingId.of("lamp-2");
    static final String IDENTIFIER = "urn:test:sct:1";

    @TempDir
    Path tmp;
    FileThingKeyStore keys;
    WsSecurityComponent hub;
    final byte[] key = new byte[32];

    @BeforeEach
    void setUp() {
        keys = FileThingKeyStore.open(tmp.resolve("store"), tmp.resolve("master.key"));
        keys.enroll(SWITCH, RootCredential.secret(new byte[32]));
        hub = new WsSecurityComponent(keys, config("sign,encrypt", "lamp-1: sign", "lamp-2: sign encrypt", "switch-1: plain"),
                Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        keys.close();
    }

    Document signedRequest(ThingId audience) throws Exception {
        Document d = Envelopes.invoke();
        Element sct = DocumentBuilderFactory.newNSInstance().newDocumentBuilder().parse(new ByteArrayInputStream((
                "<wsc:SecurityContextToken xmlns:wsc=\"http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512\">"
                + "<wsc:Identifier>" + IDENTIFIER + "</wsc:Identifier></wsc:SecurityContextToken>")
                .getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        SctSigner.sign(d, sct, key, Duration.ofMinutes(1), Clock.systemUTC());
        return Envelopes.wire(d);
    }

    @Test
    void withoutAResolverTheRequestIsRefusedWithAResolverItNamesTheTokensSubject() throws Exception {
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> hub.verifyRequest(signedRequest(LAMP), LAMP));
        assertEquals(Fault.SECURITY_TOKEN_UNAVAILABLE, e.fault());

        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, SWITCH, receiver,
                Instant.now().plusSeconds(60), key);
        WssResult r = hub.verifyRequest(signedRequest(LAMP), LAMP);
        assertEquals(Optional.of(SWITCH), r.signer());
        assertTrue(r.signed());
        assertEquals("signed", r.label());
    }

    @Test
    void aHostedThingWhosePolicyRequiresEncryptionRefusesAndAnUnenrolledSubjectIsRefused() throws Exception {
        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, SWITCH, receiver,
                Instant.now().plusSeconds(60), key);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> hub.verifyRequest(signedRequest(SECRET_LAMP), SECRET_LAMP));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
        assertTrue(e.getMessage().contains("requires encryption"), e.getMessage());

        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, ThingId.of("stranger-9"), receiver,
                Instant.now().plusSeconds(60), key);
        e = assertThrows(WsSecurityException.class, () -> hub.verifyRequest(signedRequest(LAMP), LAMP));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
    }
}
