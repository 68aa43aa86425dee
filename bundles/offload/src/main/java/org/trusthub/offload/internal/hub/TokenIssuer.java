package org.trusthub.offload.internal.hub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.trusthub.api.offload.IssuedToken;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Cose;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.Wire;

import com.upokecenter.cbor.CBORObject;

/**
 * Issues access tokens: a CWT sealed as COSE_Encrypt0 under the audience's token key, carrying fresh OSCORE input
 * material (RFC 9203) as its confirmation; the client's copy of the material sealed under the client's wrap key and
 * bound to the client's nonce. The hub keeps the token's metadata until it expires, never its keys.
 */
public final class TokenIssuer {
    private static final Pattern SCOPE = Pattern.compile("[\\x21-\\x7e]{1,64}( [\\x21-\\x7e]{1,64}){0,7}");

    /** What {@link #issue} made: the token, the client's wrapped confirmation and the record. */
    public record Issued(byte[] token, byte[] confirmation, IssuedToken record) {
    }

    private final Gate gate;
    private final Keys keys;
    private final Crypto crypto;
    private final Clock clock;
    private final Stats stats;
    private volatile Duration lifetime;
    private final Map<String, IssuedToken> issued = new ConcurrentHashMap<>();
    // Expiry order, so forgetting expired tokens costs O(log n) per token instead of a scan per issue.
    private final java.util.concurrent.PriorityBlockingQueue<IssuedToken> byExpiry =
            new java.util.concurrent.PriorityBlockingQueue<>(64, Comparator.comparing(IssuedToken::expires));

    private final OffloadState state;
    private final Authorization authorization;

    public TokenIssuer(Gate gate, Keys keys, Crypto crypto, Clock clock, Stats stats, Duration lifetime,
            OffloadState state, Authorization authorization) {
        this.state = state;
        this.authorization = authorization;
        for (IssuedToken t : state.tokens()) {
            issued.put(t.id(), t);
            byExpiry.add(t);
        }
        this.gate = gate;
        this.keys = keys;
        this.crypto = crypto;
        this.clock = clock;
        this.stats = stats;
        this.lifetime = lifetime;
    }

    public void lifetime(Duration lifetime) {
        this.lifetime = lifetime;
    }

    /** The ACE token endpoint. */
    public byte[] requestToken(byte[] request) {
        try {
            Issued i = issue(request, "coap_oscore", null);
            CBORObject r = CBORObject.NewMap();
            r.Add(Wire.ACE_ACCESS_TOKEN, i.token());
            r.Add(Wire.ACE_EXPIRES_IN, Duration.between(i.record().issued(), i.record().expires()).toSeconds());
            r.Add(Wire.ACE_PROFILE, Wire.ACE_PROFILE_COAP_OSCORE);
            r.Add(Wire.ACE_CNF, i.confirmation());
            return r.EncodeToBytes();
        } catch (OffloadException e) {
            throw stats.refused(e);
        }
    }

    /**
     * Checks and issues. {@code appliesTo}, when not null, must name the same audience as the authenticated request
     * (the WS-Trust binding carries it outside the MAC).
     */
    public Issued issue(byte[] request, String profile, String appliesTo) {
        Gate.Admitted rq = gate.admit(request, Wire.AAD_TOKEN_REQUEST, "token request");
        String audText = Cbor.text(rq.payload, Wire.RQ_AUDIENCE, "audience");
        String scope = Cbor.text(rq.payload, Wire.RQ_SCOPE, "scope");
        if (!SCOPE.matcher(scope).matches()) {
            throw new OffloadException(Refusal.POLICY, "scope must be 1 to 8 space-separated printable words");
        }
        if (appliesTo != null && !appliesTo.equals(audText)) {
            throw new OffloadException(Refusal.WRONG_BINDING, "AppliesTo names another audience than the request");
        }
        ThingId audience = Keys.id(audText, "audience");
        if (audience.equals(rq.thing)) {
            throw new OffloadException(Refusal.WRONG_BINDING, "a thing cannot be its own audience");
        }
        // The grant before the audience's state: a client learns nothing about things it has no grant for.
        authorization.checkToken(rq.thing, audience, scope);
        keys.operational(audText, "audience");
        byte[] kToken = keys.key(audience, Wire.MECH_TOKEN);
        byte[] kWrap = keys.key(rq.thing, Wire.MECH_WRAP);
        rq.commit();
        byte[] ms = crypto.random(16);
        try {
            Instant now = clock.instant();
            Instant exp = now.plus(lifetime);
            byte[] cti = crypto.random(8);
            byte[] salt = crypto.random(8);
            byte[] oscId = crypto.random(2);
            CBORObject osc = CBORObject.NewMap();
            osc.Add(Wire.OSC_ID, oscId);
            osc.Add(Wire.OSC_MS, ms);
            osc.Add(Wire.OSC_SALT, salt);
            CBORObject cnf = CBORObject.NewMap();
            cnf.Add(Wire.CNF_OSC, osc);
            CBORObject claims = CBORObject.NewMap();
            claims.Add(Wire.CWT_ISS, Wire.ISSUER);
            claims.Add(Wire.CWT_SUB, rq.thing.value());
            claims.Add(Wire.CWT_AUD, audience.value());
            claims.Add(Wire.CWT_EXP, exp.getEpochSecond());
            claims.Add(Wire.CWT_IAT, now.getEpochSecond());
            claims.Add(Wire.CWT_CTI, cti);
            claims.Add(Wire.CWT_SCOPE, scope);
            claims.Add(Wire.CWT_CNF, cnf);
            byte[] token = Cose.encrypt0(crypto, kToken, Wire.utf8(audience.value()), Wire.AAD_TOKEN,
                    claims.EncodeToBytes());
            CBORObject c = CBORObject.NewMap();
            c.Add(Wire.CC_NONCE, rq.nonce);
            c.Add(Wire.CC_AUDIENCE, audience.value());
            c.Add(Wire.CC_EXP, exp.getEpochSecond());
            c.Add(Wire.CC_OSC, osc);
            c.Add(Wire.CC_CTI, cti);
            byte[] confirmation = Cose.encrypt0(crypto, kWrap, Wire.utf8(rq.thing.value()), Wire.AAD_CNF,
                    c.EncodeToBytes());
            IssuedToken record = new IssuedToken(HexFormat.of().formatHex(cti), rq.thing, audience, scope, profile,
                    now, Instant.ofEpochSecond(exp.getEpochSecond()));
            prune(now);
            state.tokenIssued(record);
            issued.put(record.id(), record);
            byExpiry.add(record);
            stats.issued("token");
            return new Issued(token, confirmation, record);
        } finally {
            Arrays.fill(ms, (byte) 0);
            Arrays.fill(kToken, (byte) 0);
            Arrays.fill(kWrap, (byte) 0);
        }
    }

    public List<IssuedToken> issuedTokens() {
        prune(clock.instant());
        return issued.values().stream().sorted(Comparator.comparing(IssuedToken::issued)
                .thenComparing(IssuedToken::id)).toList();
    }

    /** Forgets the tokens of a thing that left OPERATIONAL; they die with their lifetime at the audience anyway. */
    public void forget(ThingId thing) {
        state.tokensDropped(thing);
        issued.values().removeIf(t -> t.client().equals(thing) || t.audience().equals(thing));
        byExpiry.removeIf(t -> t.client().equals(thing) || t.audience().equals(thing));
    }

    private void prune(Instant now) {
        for (IssuedToken head = byExpiry.peek(); head != null && !now.isBefore(head.expires());
                head = byExpiry.peek()) {
            if (byExpiry.remove(head)) {
                issued.remove(head.id());
            }
        }
    }
}
