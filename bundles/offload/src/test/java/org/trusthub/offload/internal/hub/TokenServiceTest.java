package org.trusthub.offload.internal.hub;

import org.trusthub.offload.wstrust.WsTrust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.offload.IssuedToken;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.device.AcceptedToken;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.wire.OpCounts;
import org.trusthub.offload.device.SecureChannel;
import org.trusthub.offload.device.TokenGrant;
import org.trusthub.offload.wire.Wire;

import com.upokecenter.cbor.CBORObject;

class TokenServiceTest {
    @TempDir
    Path dir;
    Fixture f;
    ConstrainedDevice client;
    ConstrainedDevice server;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        client = f.operational("sensor-1");
        server = f.operational("valve-1");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aceTokenKeysAnOscoreChannelCheckedOfflineWithSymmetricCryptoOnly() {
        OpCounts c0 = client.counter().snapshot();
        OpCounts s0 = server.counter().snapshot();
        TokenGrant grant = client.acceptTokenResponse(f.hub.requestToken(client.requestToken(server.id(), "write")));
        AcceptedToken accepted = server.acceptPostedToken(client.postToken(grant));
        SecureChannel toServer = client.acceptTokenReply(grant, accepted.reply());

        assertEquals(client.id(), accepted.client());
        assertEquals("write", accepted.scope());
        assertEquals(grant.tokenId(), accepted.tokenId());
        byte[] msg = toServer.protect(utf8("open 30%"));
        assertArrayEquals(utf8("open 30%"), accepted.channel().unprotect(msg));
        assertArrayEquals(utf8("ok"), toServer.unprotect(accepted.channel().protect(utf8("ok"))));

        OpCounts c = client.counter().snapshot().minus(c0);
        OpCounts s = server.counter().snapshot().minus(s0);
        assertEquals(0, c.publicKey());
        assertEquals(0, s.publicKey());
        // client: MAC of the request, decrypt of the confirmation, 3 HKDF for the context, 1 seal, 1 open
        assertEquals(1 + 1 + 3 + 2, c.symmetric());
        // server: decrypt of the token, 3 HKDF, 1 open, 1 seal
        assertEquals(1 + 3 + 2, s.symmetric());
        assertTrue(c.bytesSent() > 0 && c.bytesReceived() > 0 && s.bytesSent() > 0 && s.bytesReceived() > 0);

        List<IssuedToken> issued = f.hub.issuedTokens();
        assertEquals(1, issued.size());
        assertEquals(grant.tokenId(), issued.get(0).id());
        assertEquals(client.id(), issued.get(0).client());
        assertEquals(server.id(), issued.get(0).audience());
        assertEquals("coap_oscore", issued.get(0).profile());
        assertEquals(f.clock.instant().plus(Duration.ofHours(1)), issued.get(0).expires());
    }

    @Test
    void theTokenResponseHasTheAceShape() {
        CBORObject r = CBORObject.DecodeFromBytes(f.hub.requestToken(client.requestToken(server.id(), "read")));
        assertEquals(3600, r.get(Wire.ACE_EXPIRES_IN).AsInt32Value());
        assertEquals(Wire.ACE_PROFILE_COAP_OSCORE, r.get(Wire.ACE_PROFILE).AsInt32Value());
        CBORObject token = CBORObject.DecodeFromBytes(r.get(Wire.ACE_ACCESS_TOKEN).GetByteString());
        assertTrue(token.HasMostOuterTag(16), "the token is a tagged COSE_Encrypt0");
    }

    @Test
    void wsTrustCarriesTheSameTokenForDpwsClients() {
        String rst = WsTrust.rst(server.id().value(), client.requestToken(server.id(), "invoke"));
        String rstr = f.hub.requestSecurityToken(rst);
        assertTrue(rstr.contains("RequestSecurityTokenResponseCollection"));
        assertTrue(rstr.contains("ValueType=\"" + WsTrust.CWT_TYPE + "\""));
        byte[][] tp = WsTrust.tokenAndProof(rstr);
        CBORObject ace = CBORObject.NewMap();
        ace.Add(Wire.ACE_ACCESS_TOKEN, tp[0]);
        ace.Add(Wire.ACE_CNF, tp[1]);
        TokenGrant grant = client.acceptTokenResponse(ace.EncodeToBytes());
        AcceptedToken accepted = server.acceptPostedToken(client.postToken(grant));
        SecureChannel ch = client.acceptTokenReply(grant, accepted.reply());
        assertArrayEquals(utf8("hello"), accepted.channel().unprotect(ch.protect(utf8("hello"))));
        assertEquals("ws-trust", f.hub.issuedTokens().get(0).profile());
    }

    @Test
    void wsTrustAppliesToMustNameTheAuthenticatedAudience() {
        ConstrainedDevice other = f.operational("other-1");
        String rst = WsTrust.rst(other.id().value(), client.requestToken(server.id(), "invoke"));
        OffloadException e = assertThrows(OffloadException.class, () -> f.hub.requestSecurityToken(rst));
        assertEquals(Refusal.WRONG_BINDING, e.refusal());
        assertTrue(f.hub.issuedTokens().isEmpty());
    }

    @Test
    void channelsKeepWorkingWithoutTheHubUntilTheTokenExpires() {
        TokenGrant grant = client.acceptTokenResponse(f.hub.requestToken(client.requestToken(server.id(), "write")));
        AcceptedToken accepted = server.acceptPostedToken(client.postToken(grant));
        SecureChannel ch = client.acceptTokenReply(grant, accepted.reply());
        // The devices hold no reference to the hub: nothing below can reach it.
        f.clock.advance(Duration.ofMinutes(59));
        assertArrayEquals(utf8("still"), accepted.channel().unprotect(ch.protect(utf8("still"))));
        f.clock.advance(Duration.ofMinutes(1));
        OffloadException e = assertThrows(OffloadException.class, () -> ch.protect(utf8("late")));
        assertEquals(Refusal.EXPIRED, e.refusal());
    }
}
