package org.trusthub.offload.device;

import org.trusthub.offload.wire.OpCounter;
import org.trusthub.offload.wire.CryptoKind;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.pkix.PathCheck;
import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Cose;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.Wire;

import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;

/**
 * The device side of every offload protocol, as a class 1-2 constrained thing would run it, counting each
 * cryptographic operation by kind and each byte it sends and receives ({@link #counter()}). Group keys and messages
 * are kept by its {@link GroupMember}.
 *
 * <p>Bootstrapping gives the device its root secret; it derives the five keys it shares with the hub exactly as the
 * keystore does (the trusthub/v1 HKDF profile, layer APPLICATION). From then on it needs no public-key operation:
 * everything the hub hands out is checked with AES-CCM, HMAC or AES key wrap, and a stopped hub stops new issuing, not
 * traffic on channels already keyed. Byte arrays the methods return are what goes on the air; the caller carries
 * them (to the hub's services, or to the peer).
 *
 * <p>Not thread-safe: a device does one thing at a time.
 */
public final class ConstrainedDevice {
    private static final byte[] ID_RS = {0x00};
    private static final byte[] ID_CLIENT = {0x01};
    private static final byte[] ID_INITIATOR = {0x01};
    private static final byte[] ID_RESPONDER = {0x02};
    private static final int NONCE = 8;

    private final ThingId id;
    private final byte[] kid;
    private final OpCounter counter = new OpCounter();
    private final Crypto crypto;
    private final Clock clock;
    private final byte[] kRequest;
    private final byte[] kToken;
    private final byte[] kWrap;
    private final byte[] kVerdict;
    private long seq;
    private final Map<String, byte[]> pending = new HashMap<>();
    private byte[] pendingVerifyDigest;
    private final Map<String, Instant> seenTokens = new HashMap<>();
    private final Map<String, Instant> seenTickets = new HashMap<>();
    private final GroupMember groups;

    private ConstrainedDevice(ThingId id, byte[] rootSecret, int generation, Clock clock, SecureRandom random,
            int groupWindow) {
        this.id = Objects.requireNonNull(id, "id");
        this.kid = id.value().getBytes(StandardCharsets.UTF_8);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.crypto = new Crypto(counter, Objects.requireNonNull(random, "random"));
        byte[] prk = crypto.hmac(Wire.ascii("trusthub/v1 root"), rootSecret);
        kRequest = layerKey(prk, generation, Wire.MECH_REQUEST);
        kToken = layerKey(prk, generation, Wire.MECH_TOKEN);
        kWrap = layerKey(prk, generation, Wire.MECH_WRAP);
        kVerdict = layerKey(prk, generation, Wire.MECH_VERDICT);
        groups = new GroupMember(crypto, layerKey(prk, generation, Wire.MECH_GROUP), groupWindow);
        Arrays.fill(prk, (byte) 0);
    }

    /**
     * A device bootstrapped with its root secret (the one the keystore holds for it).
     *
     * @param generation the generation of the thing's APPLICATION layer keys at the hub (1 until rotated)
     */
    public static ConstrainedDevice bootstrap(ThingId id, byte[] rootSecret, int generation, Clock clock,
            SecureRandom random) {
        return new ConstrainedDevice(id, rootSecret, generation, clock, random, 4);
    }

    private byte[] layerKey(byte[] prk, int generation, String mechanism) {
        byte[] info = info(id.value(), "APPLICATION", mechanism, generation, Crypto.KEY);
        return crypto.hkdfExpand(prk, info, Crypto.KEY);
    }

    static byte[] info(String thing, String layer, String mechanism, int generation, int length) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String s : new String[] {"trusthub/v1", thing, layer, mechanism}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(b.length);
            out.writeBytes(b);
        }
        for (int v : new int[] {generation, length}) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }
        return out.toByteArray();
    }

    public ThingId id() {
        return id;
    }

    /** What the device has done so far. */
    public OpCounter counter() {
        return counter;
    }

    // ------------------------------------------------------------------------------------------- requests

    private byte[] request(byte[] aad, String pendingKey, Object... fields) {
        byte[] nonce = crypto.random(NONCE);
        CBORObject m = CBORObject.NewMap();
        m.Add(Wire.RQ_SEQ, seq++);
        m.Add(Wire.RQ_NONCE, nonce);
        for (int i = 0; i < fields.length; i += 2) {
            m.Add(CBORObject.FromObject(fields[i]), CBORObject.FromObject(fields[i + 1]));
        }
        byte[] payload = m.EncodeToBytes();
        pending.put(pendingKey, nonce);
        byte[] msg = Cose.mac0(crypto, kRequest, kid, aad, payload);
        counter.sent(msg.length);
        return msg;
    }

    private void expectNonce(String pendingKey, byte[] nonce) {
        byte[] expected = pending.get(pendingKey);
        if (expected == null || !Crypto.equal(expected, nonce)) {
            throw new OffloadException(Refusal.WRONG_BINDING, "answer is not bound to an outstanding request");
        }
    }

    private void checkLifetime(Instant expires, String what) {
        if (!clock.instant().isBefore(expires)) {
            throw new OffloadException(Refusal.EXPIRED, what + " expired at " + expires);
        }
    }

    private byte[] open(byte[] key, byte[] encrypt0, byte[] aad, String what) {
        Cose.Parsed p = Cose.parseEncrypt0(encrypt0, what);
        if (!Arrays.equals(p.kid(), kid)) {
            throw new OffloadException(Refusal.WRONG_BINDING, what + " is sealed for another thing");
        }
        return Cose.decrypt0(crypto, key, p, aad, what);
    }

    // ----------------------------------------------------------------------------------------------- tokens

    /** Client: asks the hub for a token to use {@code scope} at {@code audience}. */
    public byte[] requestToken(ThingId audience, String scope) {
        return request(Wire.AAD_TOKEN_REQUEST, "token:" + audience.value(), Wire.RQ_AUDIENCE, audience.value(),
                Wire.RQ_SCOPE, scope);
    }

    /** Client: checks the hub's token response (one AEAD decryption of the confirmation). */
    public TokenGrant acceptTokenResponse(byte[] response) {
        counter.received(response.length);
        CBORObject m = Cbor.map(Cbor.decode(response, "token response"), "token response");
        byte[] token = Cbor.bytes(m, Wire.ACE_ACCESS_TOKEN, "access_token");
        byte[] cnf = Cbor.bytes(m, Wire.ACE_CNF, "cnf");
        CBORObject c = Cbor.map(Cbor.decode(open(kWrap, cnf, Wire.AAD_CNF, "confirmation"), "confirmation"),
                "confirmation");
        ThingId audience = ThingId.of(Cbor.text(c, Wire.CC_AUDIENCE, "audience"));
        expectNonce("token:" + audience.value(), Cbor.bytes(c, Wire.CC_NONCE, "nonce"));
        Instant expires = Instant.ofEpochSecond(Cbor.uint(c, Wire.CC_EXP, "exp"));
        checkLifetime(expires, "token");
        CBORObject osc = Cbor.map(Cbor.field(c, Wire.CC_OSC, "OSCORE input material"), "OSCORE input material");
        pending.remove("token:" + audience.value());
        return new TokenGrant(audience, token, Cbor.bytes(osc, Wire.OSC_ID, "id"),
                Cbor.bytes(osc, Wire.OSC_MS, "ms"), Cbor.bytes(osc, Wire.OSC_SALT, "salt"), expires,
                HexFormat.of().formatHex(Cbor.bytes(c, Wire.CC_CTI, "cti")));
    }

    /** Client: the message that posts the token to the audience ({@code /authz-info}: token and nonce N1). */
    public byte[] postToken(TokenGrant grant) {
        grant.nonce1 = crypto.random(NONCE);
        byte[] msg = Cbor.encodeArray(grant.token, grant.nonce1);
        counter.sent(msg.length);
        return msg;
    }

    /**
     * Audience: checks a posted token alone, offline: one AEAD decryption under its token key, then audience,
     * lifetime and replay of the token id. Answers with its nonce N2 and the channel to the client.
     */
    public AcceptedToken acceptPostedToken(byte[] posted) {
        counter.received(posted.length);
        CBORObject a = Cbor.array(Cbor.decode(posted, "posted token"), 2, "posted token");
        byte[] token = Cbor.bytes(a.get(0), "access token");
        byte[] n1 = Cbor.bytes(a.get(1), "nonce N1");
        if (n1.length < Wire.NONCE_MIN || n1.length > Wire.NONCE_MAX) {
            throw new OffloadException(Refusal.MALFORMED, "nonce N1 must be 8 to 32 bytes");
        }
        CBORObject claims = Cbor.map(Cbor.decode(open(kToken, token, Wire.AAD_TOKEN, "access token"), "claims"),
                "claims");
        if (!id.value().equals(Cbor.text(claims, Wire.CWT_AUD, "aud"))) {
            throw new OffloadException(Refusal.WRONG_BINDING, "token is for another audience");
        }
        if (!Wire.ISSUER.equals(Cbor.text(claims, Wire.CWT_ISS, "iss"))) {
            throw new OffloadException(Refusal.WRONG_BINDING, "token is from another issuer");
        }
        Instant exp = Instant.ofEpochSecond(Cbor.uint(claims, Wire.CWT_EXP, "exp"));
        checkLifetime(exp, "token");
        String cti = HexFormat.of().formatHex(Cbor.bytes(claims, Wire.CWT_CTI, "cti"));
        prune(seenTokens);
        if (seenTokens.containsKey(cti)) {
            throw new OffloadException(Refusal.REPLAYED, "token " + cti + " was posted before");
        }
        ThingId client = ThingId.of(Cbor.text(claims, Wire.CWT_SUB, "sub"));
        String scope = Cbor.text(claims, Wire.CWT_SCOPE, "scope");
        CBORObject cnf = Cbor.map(Cbor.field(claims, Wire.CWT_CNF, "cnf"), "cnf");
        CBORObject osc = Cbor.map(Cbor.field(cnf, Wire.CNF_OSC, "osc"), "osc");
        byte[] n2 = crypto.random(NONCE);
        SecureChannel ch = new SecureChannel(crypto, clock, Cbor.bytes(osc, Wire.OSC_MS, "ms"),
                Cbor.bytes(osc, Wire.OSC_SALT, "salt"), concat(n1, n2), ID_RS, ID_CLIENT, exp);
        seenTokens.put(cti, exp);
        byte[] reply = Cbor.encodeArray(n2);
        counter.sent(reply.length);
        return new AcceptedToken(client, scope, cti, reply, ch);
    }

    /** Client: the channel to the audience, from the audience's reply (nonce N2). */
    public SecureChannel acceptTokenReply(TokenGrant grant, byte[] reply) {
        counter.received(reply.length);
        if (grant.nonce1 == null) {
            throw new OffloadException(Refusal.WRONG_BINDING, "the token was not posted");
        }
        byte[] n2 = Cbor.bytes(Cbor.array(Cbor.decode(reply, "token reply"), 1, "token reply").get(0), "nonce N2");
        return new SecureChannel(crypto, clock, grant.masterSecret, grant.masterSalt, concat(grant.nonce1, n2),
                ID_CLIENT, ID_RS, grant.expires);
    }

    // ------------------------------------------------------------------------------------------ verification

    /** Asks the hub to check a signature over {@code data} and the signer's chain (leaf first). */
    public byte[] requestVerification(String algorithm, byte[] data, byte[] signature, List<X509Certificate> chain) {
        return requestVerification(algorithm, data, false, signature, chain);
    }

    /**
     * Asks the hub to check an ECDSA signature (SHA256withECDSA or SHA384withECDSA) over data the device has hashed
     * itself (one hash operation), so a large image never goes on the air.
     */
    public byte[] requestVerificationOfDigest(String algorithm, byte[] data, byte[] signature,
            List<X509Certificate> chain) {
        byte[] digest = algorithm.startsWith("SHA384") ? sha384(data) : crypto.sha256(data);
        return requestVerification(algorithm, digest, true, signature, chain);
    }

    private byte[] sha384(byte[] data) {
        counter.count(CryptoKind.HASH);
        org.bouncycastle.crypto.digests.SHA384Digest d = new org.bouncycastle.crypto.digests.SHA384Digest();
        d.update(data, 0, data.length);
        byte[] out = new byte[48];
        d.doFinal(out, 0);
        return out;
    }

    private byte[] requestVerification(String algorithm, byte[] data, boolean isDigest, byte[] signature,
            List<X509Certificate> chain) {
        CBORObject certs = CBORObject.NewArray();
        for (X509Certificate c : chain) {
            try {
                certs.Add(c.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate cannot be encoded", e);
            }
        }
        byte[] msg = request(Wire.AAD_VERIFY_REQUEST, "verify", Wire.RQ_ALG, algorithm,
                isDigest ? Wire.RQ_DIGEST : Wire.RQ_DATA, data,
                Wire.RQ_SIGNATURE, signature, Wire.RQ_CHAIN, certs);
        pendingVerifyDigest = crypto.sha256(Cose.parseMac0(msg, "request").content());
        return msg;
    }

    /** Checks the hub's verdict: one MAC under the verdict key, the nonce and the digest of what was asked. */
    public Verdict acceptVerdict(byte[] verdict) {
        counter.received(verdict.length);
        Cose.Parsed p = Cose.parseMac0(verdict, "verdict");
        if (!Arrays.equals(p.kid(), kid)) {
            throw new OffloadException(Refusal.WRONG_BINDING, "verdict is for another thing");
        }
        CBORObject v = Cbor.map(Cbor.decode(Cose.verifyMac0(crypto, kVerdict, p, Wire.AAD_VERDICT, "verdict"),
                "verdict"), "verdict");
        expectNonce("verify", Cbor.bytes(v, Wire.V_NONCE, "nonce"));
        if (pendingVerifyDigest == null
                || !Crypto.equal(pendingVerifyDigest, Cbor.bytes(v, Wire.V_DIGEST, "digest"))) {
            throw new OffloadException(Refusal.WRONG_BINDING, "verdict is about another request");
        }
        CBORObject valid = Cbor.field(v, Wire.V_VALID, "valid");
        if (valid.getType() != CBORType.Boolean) {
            throw new OffloadException(Refusal.MALFORMED, "valid must be a boolean");
        }
        pending.remove("verify");
        pendingVerifyDigest = null;
        return new Verdict(valid.AsBoolean(), Cbor.text(v, Wire.V_REASON, "reason"),
                Cbor.text(v, Wire.V_SUBJECT, "subject"));
    }

    /**
     * The same check done alone, without the hub (the baseline): PKIX path validation with CRLs and the signature,
     * each verification counted as a public-key operation.
     */
    public Verdict verifyAlone(String algorithm, byte[] data, byte[] signature, List<X509Certificate> chain,
            Set<TrustAnchor> anchors, Collection<X509CRL> crls, Set<String> allowedAlgorithms) {
        PathCheck.Result r = new PathCheck(allowedAlgorithms, 2048).check(algorithm, data, signature, chain, anchors,
                crls, Date.from(clock.instant()));
        crypto.countPublicKey(r.publicKeyOperations());
        return new Verdict(r.valid(), r.reason(), r.subject());
    }

    // --------------------------------------------------------------------------------------------- pairwise

    /** Thing A: asks the hub for a key to talk to {@code peer}. */
    public byte[] requestPairwiseKey(ThingId peer) {
        return request(Wire.AAD_PAIR_REQUEST, "pair:" + peer.value(), Wire.RQ_PEER, peer.value());
    }

    /** Thing A: opens its envelope (one AEAD decryption) and keeps B's ticket to forward. */
    public PairGrant acceptPairwiseKey(byte[] response) {
        counter.received(response.length);
        CBORObject m = Cbor.map(Cbor.decode(response, "pairwise key response"), "pairwise key response");
        CBORObject e = Cbor.map(Cbor.decode(open(kWrap, Cbor.bytes(m, Wire.PR_ENVELOPE, "envelope"),
                Wire.AAD_PAIR_ENVELOPE, "envelope"), "envelope"), "envelope");
        ThingId peer = ThingId.of(Cbor.text(e, Wire.PE_PEER, "peer"));
        expectNonce("pair:" + peer.value(), Cbor.bytes(e, Wire.PE_NONCE, "nonce"));
        Instant exp = Instant.ofEpochSecond(Cbor.uint(e, Wire.PE_EXP, "exp"));
        checkLifetime(exp, "pairwise key");
        byte[] pairId = Cbor.bytes(e, Wire.PE_ID, "pair id");
        SecureChannel ch = new SecureChannel(crypto, clock, Cbor.bytes(e, Wire.PE_KEY, "key"), pairId, pairId,
                ID_INITIATOR, ID_RESPONDER, exp);
        pending.remove("pair:" + peer.value());
        return new PairGrant(peer, ch, Cbor.bytes(m, Wire.PR_TICKET, "ticket"), exp);
    }

    /** Thing A: the ticket as it goes to B. */
    public byte[] forwardTicket(PairGrant grant) {
        counter.sent(grant.ticket().length);
        return grant.ticket().clone();
    }

    /**
     * Thing B: checks a forwarded ticket alone, offline (one AEAD decryption under its wrap key), refusing an expired
     * or replayed one.
     */
    public PairGrant acceptTicket(byte[] ticket) {
        counter.received(ticket.length);
        CBORObject t = Cbor.map(Cbor.decode(open(kWrap, ticket, Wire.AAD_PAIR_TICKET, "ticket"), "ticket"), "ticket");
        ThingId peer = ThingId.of(Cbor.text(t, Wire.PE_PEER, "peer"));
        Instant exp = Instant.ofEpochSecond(Cbor.uint(t, Wire.PE_EXP, "exp"));
        checkLifetime(exp, "ticket");
        byte[] pairId = Cbor.bytes(t, Wire.PE_ID, "pair id");
        String pid = HexFormat.of().formatHex(pairId);
        prune(seenTickets);
        if (seenTickets.containsKey(pid)) {
            throw new OffloadException(Refusal.REPLAYED, "ticket " + pid + " was presented before");
        }
        SecureChannel ch = new SecureChannel(crypto, clock, Cbor.bytes(t, Wire.PE_KEY, "key"), pairId, pairId,
                ID_RESPONDER, ID_INITIATOR, exp);
        seenTickets.put(pid, exp);
        return new PairGrant(peer, ch, new byte[0], exp);
    }

    // ----------------------------------------------------------------------------------------------- groups

    /** A member: asks the hub for the keys of a group's kept epochs. */
    public byte[] requestGroupKeys(String group) {
        return request(Wire.AAD_GROUP_REQUEST, "group:" + group, Wire.RQ_GROUP, group);
    }

    /**
     * A member: unwraps the epoch keys it does not hold yet (one AES key unwrap each, which also authenticates the
     * group and the epoch) and keeps the newest few.
     *
     * @return how many epochs were new
     */
    public int acceptGroupKeys(byte[] response) {
        counter.received(response.length);
        CBORObject m = Cbor.map(Cbor.decode(response, "group key response"), "group key response");
        String group = Cbor.text(m, Wire.GR_GROUP, "group");
        expectNonce("group:" + group, Cbor.bytes(m, Wire.GR_NONCE, "nonce"));
        int fresh = groups.accept(group, Cbor.array(Cbor.field(m, Wire.GR_EPOCHS, "epochs"), -1, "epochs"));
        pending.remove("group:" + group);
        return fresh;
    }

    /** The epochs of a group whose keys the device holds, oldest first. */
    public List<Long> groupEpochs(String group) {
        return groups.epochs(group);
    }

    /** Protects a message for the group under the newest epoch key the device holds. */
    public byte[] protectGroup(String group, byte[] plaintext) {
        byte[] msg = groups.protect(group, plaintext);
        counter.sent(msg.length);
        return msg;
    }

    /**
     * Opens a group message: the device must hold the epoch's key (a member that left holds none of the epochs after
     * it left; a new member none from before it joined).
     */
    public byte[] unprotectGroup(String group, byte[] message) {
        counter.received(message.length);
        return groups.unprotect(group, message);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private void prune(Map<String, Instant> seen) {
        Instant now = clock.instant();
        for (Iterator<Instant> it = seen.values().iterator(); it.hasNext();) {
            if (!now.isBefore(it.next())) {
                it.remove();
            }
        }
    }

    // ------------------------------------------------------------------------- WS-Trust (WsTrustClient)

    /** Audience: opens a token alone, offline (one AEAD decryption under its token key); the caller checks claims. */
    CBORObject openOwnToken(byte[] token) {
        return Cbor.map(Cbor.decode(open(kToken, token, Wire.AAD_TOKEN, "access token"), "claims"), "claims");
    }

    Crypto crypto() {
        return crypto;
    }

    Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "ConstrainedDevice[" + id + ", " + counter + ", keys redacted]";
    }
}
