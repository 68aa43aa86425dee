package org.trusthub.offload.internal.hub;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.internal.wire.Cbor;
import org.trusthub.offload.internal.wire.Cose;
import org.trusthub.offload.internal.wire.Crypto;
import org.trusthub.offload.internal.wire.ReplayWindow;
import org.trusthub.offload.internal.wire.Wire;

import com.upokecenter.cbor.CBORObject;

/**
 * Admits a thing's request: a COSE_Mac0 under its request key, whose kid names the thing, bound to one operation by
 * the external AAD. Checks in this order, so cheap refusals come first and nothing is derived for a thing that is not
 * OPERATIONAL: shape, lifecycle, MAC, sequence number freshness. The sequence number is only consumed by
 * {@link Admitted#commit()}, called when everything else checked out, so a refused request changes no state.
 */
public final class Gate {
    private final Keys keys;
    private final Crypto crypto;
    private final Map<ThingId, ReplayWindow> windows = new ConcurrentHashMap<>();
    private final OffloadState state;

    public Gate(Keys keys, Crypto crypto, OffloadState state) {
        this.keys = keys;
        this.crypto = crypto;
        this.state = state;
        state.marks().forEach((thing, mark) -> {
            ReplayWindow w = new ReplayWindow();
            w.refuseUpTo(mark);
            windows.put(thing, w);
        });
    }

    /** An authenticated request, not yet committed. */
    public final class Admitted {
        public final ThingId thing;
        public final CBORObject payload;
        public final byte[] payloadBytes;
        public final byte[] nonce;
        private final long seq;

        Admitted(ThingId thing, CBORObject payload, byte[] payloadBytes, byte[] nonce, long seq) {
            this.thing = thing;
            this.payload = payload;
            this.payloadBytes = payloadBytes;
            this.nonce = nonce;
            this.seq = seq;
        }

        /**
         * Consumes the sequence number; refuses when a concurrent copy of the request got there first. The number is
         * covered by the durable high-water mark before it counts as used, so a restart never accepts it again.
         */
        public void commit() {
            ReplayWindow w = windows.computeIfAbsent(thing, t -> new ReplayWindow());
            synchronized (w) {
                if (!w.fresh(seq)) {
                    throw new OffloadException(Refusal.REPLAYED, "request " + seq + " of '" + thing + "' seen before");
                }
                state.reserve(thing, seq);
                w.accept(seq);
            }
        }
    }

    public Admitted admit(byte[] request, byte[] aad, String what) {
        Cose.Parsed p = Cose.parseMac0(request, what);
        ThingId thing = keys.operational(new String(p.kid(), StandardCharsets.UTF_8), "requester");
        byte[] k = keys.key(thing, Wire.MECH_REQUEST);
        byte[] payloadBytes;
        try {
            payloadBytes = Cose.verifyMac0(crypto, k, p, aad, what);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
        CBORObject payload = Cbor.map(Cbor.decode(payloadBytes, what + " payload"), what + " payload");
        long seq = Cbor.uint(payload, Wire.RQ_SEQ, "sequence number");
        byte[] nonce = Cbor.bytes(payload, Wire.RQ_NONCE, "nonce");
        if (nonce.length < Wire.NONCE_MIN || nonce.length > Wire.NONCE_MAX) {
            throw new OffloadException(Refusal.MALFORMED, "nonce must be " + Wire.NONCE_MIN + " to " + Wire.NONCE_MAX
                    + " bytes");
        }
        ReplayWindow w = windows.computeIfAbsent(thing, t -> new ReplayWindow());
        synchronized (w) {
            if (!w.fresh(seq)) {
                throw new OffloadException(Refusal.REPLAYED, "request " + seq + " of '" + thing + "' seen before");
            }
        }
        return new Admitted(thing, payload, payloadBytes, nonce, seq);
    }

    /** Forgets a thing's replay state (its keys changed: a new generation starts its sequence numbers over). */
    public void forget(ThingId thing) {
        windows.remove(thing);
        state.resetSequence(thing);
    }
}
