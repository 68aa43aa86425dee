package org.trusthub.offload.internal.hub;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.trusthub.api.keystore.DerivedKey;
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
 *
 * <p>Replay state belongs to one key generation of the thing's application layer ({@link KeyGeneration}): a request
 * checked under newer keys than the thing's window starts a fresh window (so a rotation or re-bootstrap the hub heard
 * of late, or not at all because it was stopped, never locks the thing out), and a request checked under keys that
 * have been replaced meanwhile is refused as stale.
 */
public final class Gate {
    private final Keys keys;
    private final Crypto crypto;
    private final Stats stats;
    private final Map<ThingId, Window> windows = new ConcurrentHashMap<>();
    private final OffloadState state;

    /** The replay window of one key generation. Synchronise on it. */
    private static final class Window {
        final KeyGeneration generation;
        final ReplayWindow seen = new ReplayWindow();

        Window(KeyGeneration generation) {
            this.generation = generation;
        }
    }

    /**
     * Resumes the recorded marks. A mark of keys the thing no longer has (rotated, re-enrolled or revoked while the
     * hub was stopped) is dropped: its numbers belong to keys nobody can MAC a request under any more.
     */
    public Gate(Keys keys, Crypto crypto, OffloadState state, Stats stats) {
        this.keys = keys;
        this.crypto = crypto;
        this.state = state;
        this.stats = stats;
        state.marks().forEach((thing, mark) -> {
            Optional<KeyGeneration> current = keys.currentGeneration(thing);
            if (current.isEmpty()) {
                state.resetSequence(thing, null);
                stats.housekeeping("replay-state-revoked-at-start");
            } else if (mark.generation() == null || mark.generation().compareTo(current.get()) >= 0) {
                // A mark of an earlier hub version does not say its generation: kept, for the current one (safe).
                // So is a mark of keys newer than the keystore's (a keystore restored from an older backup): the
                // requests it covers may have been made under the current keys.
                if (mark.generation() != null && !mark.generation().equals(current.get())) {
                    org.slf4j.LoggerFactory.getLogger(Gate.class).warn("'{}' has {} but the hub recorded requests "
                            + "under {}: keeping the mark (is the keystore older than the hub's state?)", thing,
                            current.get(), mark.generation());
                }
                Window w = new Window(current.get());
                w.seen.refuseUpTo(mark.mark());
                windows.put(thing, w);
            } else {
                state.resetSequence(thing, current.get());
                stats.housekeeping("replay-state-rotated-at-start");
            }
        });
    }

    /** An authenticated request, not yet committed. */
    public final class Admitted {
        public final ThingId thing;
        public final CBORObject payload;
        public final byte[] payloadBytes;
        public final byte[] nonce;
        private final long seq;
        private final KeyGeneration generation;

        Admitted(ThingId thing, CBORObject payload, byte[] payloadBytes, byte[] nonce, long seq,
                KeyGeneration generation) {
            this.thing = thing;
            this.payload = payload;
            this.payloadBytes = payloadBytes;
            this.nonce = nonce;
            this.seq = seq;
            this.generation = generation;
        }

        /**
         * Consumes the sequence number; refuses when a concurrent copy of the request got there first, or when the
         * thing's keys were replaced since the request was checked. The number is covered by the durable high-water
         * mark before it counts as used, so a restart never accepts it again.
         */
        public void commit() {
            Window w = windows.compute(thing, (t, old) -> old == null || old.generation.compareTo(generation) < 0
                    ? new Window(generation) : old);
            synchronized (w) {
                if (w.generation.compareTo(generation) > 0) {
                    throw stale(thing, generation, w.generation);
                }
                if (!w.seen.fresh(seq)) {
                    throw new OffloadException(Refusal.REPLAYED, "request " + seq + " of '" + thing + "' seen before");
                }
                state.reserve(thing, generation, seq);
                w.seen.accept(seq);
            }
        }
    }

    public Admitted admit(byte[] request, byte[] aad, String what) {
        Cose.Parsed p = Cose.parseMac0(request, what);
        ThingId thing = keys.operational(new String(p.kid(), StandardCharsets.UTF_8), "requester");
        DerivedKey dk = keys.derive(thing, Wire.MECH_REQUEST);
        KeyGeneration generation;
        byte[] payloadBytes;
        byte[] k = dk.bytes();
        try {
            generation = keys.generationOf(dk);
            try {
                payloadBytes = Cose.verifyMac0(crypto, k, p, aad, what);
            } catch (OffloadException e) {
                // The hub keeps no replaced key, so a request made under one is indistinguishable from a forgery.
                String m = e.getMessage().substring(e.refusal().name().length() + 2);
                throw new OffloadException(e.refusal(), m + " (the current application keys of '" + thing + "', "
                        + generation + "; a request made under replaced keys is stale and fails so)");
            }
        } finally {
            Arrays.fill(k, (byte) 0);
            dk.destroy();
        }
        CBORObject payload = Cbor.map(Cbor.decode(payloadBytes, what + " payload"), what + " payload");
        long seq = Cbor.uint(payload, Wire.RQ_SEQ, "sequence number");
        byte[] nonce = Cbor.bytes(payload, Wire.RQ_NONCE, "nonce");
        if (nonce.length < Wire.NONCE_MIN || nonce.length > Wire.NONCE_MAX) {
            throw new OffloadException(Refusal.MALFORMED, "nonce must be " + Wire.NONCE_MIN + " to " + Wire.NONCE_MAX
                    + " bytes");
        }
        Window w = windows.get(thing);
        if (w != null) {
            synchronized (w) {
                int order = w.generation.compareTo(generation);
                if (order > 0) {
                    throw stale(thing, generation, w.generation);
                }
                if (order == 0 && !w.seen.fresh(seq)) {
                    throw new OffloadException(Refusal.REPLAYED, "request " + seq + " of '" + thing + "' seen before");
                }
            }
        }
        return new Admitted(thing, payload, payloadBytes, nonce, seq, generation);
    }

    private static OffloadException stale(ThingId thing, KeyGeneration used, KeyGeneration current) {
        return new OffloadException(Refusal.EXPIRED, "request of '" + thing + "' was checked under application keys of "
                + used + ", which were replaced by " + current + " before it was taken: stale, send it again");
    }

    /**
     * The thing's keys changed (rotation, new enrolment): replay state of keys it no longer has goes, the window of
     * its current keys stays (the event may arrive after requests under the new keys were taken).
     */
    public void keysChanged(ThingId thing) {
        Optional<KeyGeneration> current = keys.currentGeneration(thing);
        if (current.isEmpty()) {
            forget(thing);
            return;
        }
        Window w = windows.get(thing);
        boolean dropped = w != null && w.generation.compareTo(current.get()) < 0 && windows.remove(thing, w);
        if (state.resetSequence(thing, current.get()) || dropped) {
            stats.housekeeping("replay-state-rotated");
        }
    }

    /** Forgets all of a thing's replay state (its keys were revoked). */
    public void forget(ThingId thing) {
        boolean had = windows.remove(thing) != null;
        if (state.resetSequence(thing, null) || had) {
            stats.housekeeping("replay-state-revoked");
        }
    }
}
