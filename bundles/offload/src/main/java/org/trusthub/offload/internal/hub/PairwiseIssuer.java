package org.trusthub.offload.internal.hub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Cose;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.Wire;

import com.upokecenter.cbor.CBORObject;

/**
 * Pairwise keys, Kerberos style: a fresh random key for A and B, sealed for A in an envelope bound to A's nonce, and
 * for B in a ticket A forwards. Both carry the peer, the lifetime and a pair id that B uses to refuse a replayed
 * ticket. The hub keeps nothing.
 */
public final class PairwiseIssuer {
    private final Gate gate;
    private final Keys keys;
    private final Crypto crypto;
    private final Clock clock;
    private final Stats stats;
    private volatile Duration lifetime;
    private final Authorization authorization;

    public PairwiseIssuer(Gate gate, Keys keys, Crypto crypto, Clock clock, Stats stats, Duration lifetime,
            Authorization authorization) {
        this.authorization = authorization;
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

    public byte[] requestPairwiseKey(byte[] request) {
        try {
            return issue(request);
        } catch (OffloadException e) {
            throw stats.refused(e);
        }
    }

    private byte[] issue(byte[] request) {
        Gate.Admitted rq = gate.admit(request, Wire.AAD_PAIR_REQUEST, "pairwise key request");
        String peerText = Cbor.text(rq.payload, Wire.RQ_PEER, "peer");
        ThingId peer = Keys.id(peerText, "peer");
        if (peer.equals(rq.thing)) {
            throw new OffloadException(Refusal.WRONG_BINDING, "a thing cannot pair with itself");
        }
        // The grant before the peer's state: a thing learns nothing about things it has no grant for.
        authorization.checkPair(rq.thing, peer);
        keys.operational(peerText, "peer");
        byte[] kA = keys.key(rq.thing, Wire.MECH_WRAP);
        byte[] kB = keys.key(peer, Wire.MECH_WRAP);
        rq.commit();
        byte[] key = crypto.random(Crypto.KEY);
        try {
            long exp = clock.instant().plus(lifetime).getEpochSecond();
            byte[] pairId = crypto.random(8);
            CBORObject env = CBORObject.NewMap();
            env.Add(Wire.PE_NONCE, rq.nonce);
            env.Add(Wire.PE_PEER, peer.value());
            env.Add(Wire.PE_KEY, key);
            env.Add(Wire.PE_EXP, exp);
            env.Add(Wire.PE_ID, pairId);
            CBORObject ticket = CBORObject.NewMap();
            ticket.Add(Wire.PE_PEER, rq.thing.value());
            ticket.Add(Wire.PE_KEY, key);
            ticket.Add(Wire.PE_EXP, exp);
            ticket.Add(Wire.PE_ID, pairId);
            CBORObject r = CBORObject.NewMap();
            r.Add(Wire.PR_ENVELOPE, Cose.encrypt0(crypto, kA, Wire.utf8(rq.thing.value()), Wire.AAD_PAIR_ENVELOPE,
                    env.EncodeToBytes()));
            r.Add(Wire.PR_TICKET, Cose.encrypt0(crypto, kB, Wire.utf8(peer.value()), Wire.AAD_PAIR_TICKET,
                    ticket.EncodeToBytes()));
            stats.issued("pairwise-key");
            return r.EncodeToBytes();
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(kA, (byte) 0);
            Arrays.fill(kB, (byte) 0);
        }
    }

    /** When a key issued now expires. */
    public Instant expiryFromNow() {
        return clock.instant().plus(lifetime);
    }
}
