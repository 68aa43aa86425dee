package org.trusthub.security.oscore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.oscore.CoapOSException;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.RequestDecryptor;
import org.eclipse.californium.oscore.RequestEncryptor;
import org.eclipse.californium.oscore.ResponseEncryptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every RFC 8613 Appendix C vector through the hub's context class ({@link KeystoreSequencedCtx}): key derivation
 * for client and server (C.1 to C.3), request protection (C.4 to C.6) and its verification by the server side,
 * response protection without and with a Partial IV (C.7, C.8).
 */
class Rfc8613AppendixCTest {
    private static final HexFormat HEX = HexFormat.of();
    private static Properties v;

    @BeforeAll
    static void load() throws Exception {
        v = new Properties();
        try (InputStream in = Rfc8613AppendixCTest.class.getResourceAsStream("/rfc8613-appendix-c.properties")) {
            v.load(in);
        }
    }

    private static byte[] hex(String key) {
        return HEX.parseHex(v.getProperty(key));
    }

    /** A sequence source that starts where the vector says and counts up. */
    private static SequenceSource from(int first) {
        AtomicInteger next = new AtomicInteger(first);
        return next::getAndIncrement;
    }

    private static byte[] salt(String c) {
        return c.equals("c2") ? null : hex("master.salt");
    }

    private static byte[] idContext(String c) {
        return c.equals("c3") ? hex("id.context") : null;
    }

    static KeystoreSequencedCtx client(String c, int seq) throws Exception {
        return new KeystoreSequencedCtx(hex("master.secret"), true, hex(c + ".client.sender.id"),
                hex(c + ".client.recipient.id"), salt(c), idContext(c), 32, from(seq));
    }

    static KeystoreSequencedCtx server(String c, int seq) throws Exception {
        return new KeystoreSequencedCtx(hex("master.secret"), false, hex(c + ".client.recipient.id"),
                hex(c + ".client.sender.id"), salt(c), idContext(c), 32, from(seq));
    }

    @ParameterizedTest(name = "{0} key derivation (client and server)")
    @ValueSource(strings = {"c1", "c2", "c3"})
    void keyDerivation(String c) throws Exception {
        OSCoreCtx client = client(c, 0);
        assertArrayEquals(hex(c + ".client.sender.key"), client.getSenderKey());
        assertArrayEquals(hex(c + ".client.recipient.key"), client.getRecipientKey());
        assertArrayEquals(hex(c + ".common.iv"), client.getCommonIV());
        OSCoreCtx server = server(c, 0);
        assertArrayEquals(hex(c + ".client.recipient.key"), server.getSenderKey());
        assertArrayEquals(hex(c + ".client.sender.key"), server.getRecipientKey());
        assertArrayEquals(hex(c + ".common.iv"), server.getCommonIV());
    }

    private static Request parseRequest(byte[] bytes) {
        return (Request) new UdpDataParser().parseMessage(bytes);
    }

    private static byte[] protect(String c, String vector) throws Exception {
        KeystoreSequencedCtx ctx = client(c, 20);
        if (c.equals("c3")) {
            ctx.setIncludeContextId(true);
        }
        Request request = parseRequest(hex(vector + ".request"));
        HashMapCtxDB db = new HashMapCtxDB();
        db.addContext(request.getURI(), ctx);
        Request protectedRequest = RequestEncryptor.encrypt(db, request);
        return new UdpDataSerializer().getByteArray(protectedRequest);
    }

    @Test
    void c4RequestWithMasterSalt() throws Exception {
        assertEquals(HEX.formatHex(hex("c4.protected")), HEX.formatHex(protect("c1", "c4")));
    }

    @Test
    void c5RequestWithoutMasterSalt() throws Exception {
        assertEquals(HEX.formatHex(hex("c5.protected")), HEX.formatHex(protect("c2", "c5")));
    }

    @Test
    void c6RequestWithIdContext() throws Exception {
        assertEquals(HEX.formatHex(hex("c6.protected")), HEX.formatHex(protect("c3", "c6")));
    }

    @ParameterizedTest(name = "server verifies {0} and refuses its replay")
    @ValueSource(strings = {"c4:c1", "c5:c2", "c6:c3"})
    void serverVerifiesRequestAndRefusesReplay(String pair) throws Exception {
        String vector = pair.split(":")[0];
        String c = pair.split(":")[1];
        KeystoreSequencedCtx server = server(c, 0);
        HashMapCtxDB db = new HashMapCtxDB();
        db.addContext(server);
        Request plain = RequestDecryptor.decrypt(db, parseRequest(hex(vector + ".protected")), server);
        assertEquals("tv1", plain.getOptions().getUriPathString());
        assertEquals(org.eclipse.californium.core.coap.CoAP.Code.GET, plain.getCode());
        // The same message again is a replay: the window refuses it.
        assertThrows(CoapOSException.class,
                () -> RequestDecryptor.decrypt(db, parseRequest(hex(vector + ".protected")), server));
    }

    @Test
    void forgedRequestIsRefused() throws Exception {
        KeystoreSequencedCtx server = server("c1", 0);
        HashMapCtxDB db = new HashMapCtxDB();
        db.addContext(server);
        byte[] forged = hex("c4.protected");
        forged[forged.length - 1] ^= 1;
        assertThrows(CoapOSException.class, () -> RequestDecryptor.decrypt(db, parseRequest(forged), server));
    }

    private static byte[] respond(boolean newPartialIv) throws Exception {
        KeystoreSequencedCtx server = server("c1", 0);
        HashMapCtxDB db = new HashMapCtxDB();
        db.addContext(server);
        RequestDecryptor.decrypt(db, parseRequest(hex("c4.protected")), server);
        Response response = (Response) new UdpDataParser().parseMessage(hex("c7.response"));
        Response protectedResponse = ResponseEncryptor.encrypt(db, response, server, newPartialIv, false, 20);
        return new UdpDataSerializer().getByteArray(protectedResponse);
    }

    @Test
    void c7ResponseWithoutPartialIv() throws Exception {
        assertEquals(HEX.formatHex(hex("c7.protected")), HEX.formatHex(respond(false)));
    }

    @Test
    void c8ResponseWithPartialIv() throws Exception {
        assertEquals(HEX.formatHex(hex("c8.protected")), HEX.formatHex(respond(true)));
    }
}
