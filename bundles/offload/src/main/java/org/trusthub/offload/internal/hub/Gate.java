package org.trusthub.offload.internal.hub;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Cose;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.ReplayWindow;
import org.trusthub.offload.wire.Wire;

import com.upokecenter.cbor.CBORObject;

/**
 * Admits a thing's request: a COSE_Mac0 under its request key, whose kid names the thing, bound to one operation by
 * the external AAD. Checks in this order: shape, MAC, lifecycle, sequence number freshness. The MAC comes before the
 * lifecycle so that an unauthenticated caller gets one refusal for every thing id, enrolled or not, in service or not
 * (no enumeration); a thing whose keys are not active gets no key derived at all. The sequence number is only consumed
 * by {@link Admitted#commit()}, called when everything else checked out, so a refused request changes no state; the
 * keystore records the request key's use only once the MAC verified.
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
    /** The keystore replay mark of a thing's request key: the highest request sequence number taken. */
    public static final String MARK = "offload-requests";

    /**
     * The replay window of one key generation, in memory; its highest number is the keystore's replay mark of the
     * request key, which is what survives a restart (a restarted hub refuses everything up to it). Synchronise on it.
     */
    private static final class Window {
        final KeyGeneration generation;
        final ReplayWindow seen = new ReplayWindow();
        /** What another window of the same key (an updated bundle's) took is refused here too. */
        final ReplayMarks.Guard guard;

        Window(KeyGeneration generation, long mark) {
            this.generation = generation;
            this.guard = new ReplayMarks.Guard(mark);
            seen.refuseUpTo(mark);
        }
    }

    /**
     * Carries over the sequence marks an earlier hub version kept in its own state into the keystore's replay marks,
     * for the keys they belong to; marks of keys the thing no longer has are dropped (nobody can MAC a request under
     * those any more).
     */
    public Gate(Keys keys, Crypto crypto, OffloadState state, Stats stats) {
        this.keys = keys;
        this.crypto = crypto;
        this.stats = stats;
        Map<ThingId, OffloadState.Mark> legacy = state.legacyMarks();
        legacy.forEach((thing, mark) -> {
            Optional<KeyGeneration> current = keys.currentGeneration(thing);
            // A mark that does not say its generation was recorded before generations were: taken for the current.
            if (current.isPresent() && (mark.generation() == null || mark.generation().equals(current.get()))) {
                keys.carryOverMark(thing, MARK, mark.mark());
                stats.housekeeping("replay-marks-carried-over");
            }
        });
        if (!legacy.isEmpty()) {
            state.forgetLegacyMarks();
        }
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
         * thing's keys were replaced since the request was checked. The keystore's replay mark decides with the
         * window ({@link ReplayMarks.Guard}); a number above it moves it first (durable before it counts as used; the
         * keystore writes ahead, so not every request writes), so a restart never accepts it again.
         */
        public void commit() {
            Window w = windows.get(thing);
            if (w == null || w.generation.compareTo(generation) < 0) {
                throw stale(thing, generation, w == null ? generation : w.generation);
            }
            synchronized (w) {
                if (w.generation.compareTo(generation) > 0) {
                    throw stale(thing, generation, w.generation);
                }
                if (!w.seen.fresh(seq) || !keys.acceptMark(thing, generation, MARK, w.guard, seq)) {
                    throw new OffloadException(Refusal.REPLAYED, "request " + seq + " of '" + thing + "' seen before");
                }
                w.seen.accept(seq);
            }
        }
    }

    public Admitted admit(byte[] request, byte[] aad, String what) {
        Cose.Parsed p = Cose.parseMac0(request, what);
        String kid = new String(p.kid(), StandardCharsets.UTF_8);
        // Until the MAC verifies, a refusal says nothing about the thing the kid names: an unknown id, one without
        // active keys and a wrong MAC get the same answer, after the same work: a key derivation (of a throwaway key
        // when there is no key to use) and a MAC computation. Only an authenticated requester learns that it is not
        // in service.
        Optional<DerivedKey> dk = keys.requestKey(kid);
        byte[] k = dk.isPresent() ? dk.get().bytes() : Keys.throwawayRequestKey(kid);
        KeyGeneration generation = null;
        byte[] payloadBytes;
        try {
            try {
                payloadBytes = Cose.verifyMac0(crypto, k, p, aad, what);
                if (dk.isEmpty()) {
                    throw notAuthenticated(what);
                }
                generation = keys.generationOf(dk.get());
                // Only an authenticated request is a use of the key: a forged one leaves the keystore as it was.
                keys.recordUse(dk.get());
                window(dk.get(), generation);
            } catch (OffloadException e) {
                // The hub keeps no replaced key, so a request made under one fails here as a forgery would.
                throw notAuthenticated(what);
            }
        } finally {
            Arrays.fill(k, (byte) 0);
            dk.ifPresent(DerivedKey::destroy);
        }
        stats.authenticated(ThingId.of(kid));
        ThingId thing = keys.operational(kid, "requester");
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

    /** The thing's window for {@code generation}, started from the keystore's mark when there is none yet. */
    private void window(DerivedKey key, KeyGeneration generation) {
        windows.compute(key.thing(), (t, old) -> old == null || old.generation.compareTo(generation) < 0
                ? new Window(generation, keys.mark(key, MARK)) : old);
    }

    /** The one refusal of a request that did not authenticate, whoever its kid names. */
    static OffloadException notAuthenticated(String what) {
        return new OffloadException(Refusal.FORGED, what + " is not authenticated: unknown requester, or a MAC that "
                + "does not verify under the requester's current keys (a request made under replaced keys is stale "
                + "and fails so)");
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
        if (w != null && w.generation.compareTo(current.get()) < 0 && windows.remove(thing, w)) {
            stats.housekeeping("replay-state-rotated");
        }
    }

    /**
     * Forgets a thing's replay window in memory (its keys were revoked; the keystore dropped the marks with them). A
     * thing that still has its keys gets its window back from the keystore's mark at its next request.
     */
    public void forget(ThingId thing) {
        if (windows.remove(thing) != null) {
            stats.housekeeping("replay-state-revoked");
        }
    }
}
