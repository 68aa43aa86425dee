package org.trusthub.offload.internal.hub;

import java.security.SecureRandom;
import java.util.Optional;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeyStatus;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.offload.wire.Crypto;

/**
 * The hub's side of the keys each thing shares with it, and the lifecycle gate: nothing is derived for a thing that
 * is not OPERATIONAL.
 */
public final class Keys {
    private static final SecureRandom THROWAWAY = new SecureRandom();
    private final ThingKeyStore keystore;
    private final ThingRegistry registry;

    public Keys(ThingKeyStore keystore, ThingRegistry registry) {
        this.keystore = keystore;
        this.registry = registry;
    }

    /** The thing id the text names, known or not; refuses text that is not a thing id. */
    public static ThingId id(String text, String role) {
        if (!ThingId.isValid(text)) {
            throw new OffloadException(Refusal.MALFORMED, role + " is not a valid thing id");
        }
        return ThingId.of(text);
    }

    /** The thing, if it is OPERATIONAL and its keys are active; refuses otherwise. */
    public ThingId operational(String text, String role) {
        ThingId id = id(text, role);
        Optional<Thing> t = registry.find(id);
        if (t.isEmpty()) {
            throw new OffloadException(Refusal.UNKNOWN_THING, role + " '" + id + "' is not enrolled");
        }
        LifecycleState s = t.get().state();
        if (!s.isOperational()) {
            throw new OffloadException(Refusal.NOT_OPERATIONAL, role + " '" + id + "' is " + s);
        }
        if (!keystore.isActive(id)) {
            throw new OffloadException(Refusal.UNKNOWN_THING, role + " '" + id + "' has no active keys");
        }
        return id;
    }

    /**
     * The request key of the thing {@code kid} names, whatever its lifecycle state, if it has active keys; empty for
     * anything else (not a thing id, unknown, revoked). Says nothing more, so a caller can refuse uniformly. Its use
     * is not recorded (a forged request must not write to the keystore): call {@link #recordUse} once its MAC
     * verified.
     */
    public Optional<DerivedKey> requestKey(String kid) {
        if (!ThingId.isValid(kid)) {
            return Optional.empty();
        }
        ThingId id = ThingId.of(kid);
        if (registry.find(id).isEmpty() || !keystore.isActive(id)) {
            return Optional.empty();
        }
        try {
            return Optional.of(keystore.deriveKeyUnrecorded(id, Layer.APPLICATION, org.trusthub.offload
                    .wire.Wire.MECH_REQUEST, Crypto.KEY));
        } catch (KeystoreException | IllegalArgumentException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** Records the use of a request key whose MAC verified; refuses if the key is no longer the thing's. */
    public void recordUse(DerivedKey key) {
        try {
            keystore.recordUse(key);
        } catch (KeystoreException | IllegalArgumentException | IllegalStateException e) {
            throw new OffloadException(Refusal.UNKNOWN_THING, "no keys for '" + key.thing() + "': " + e.getMessage());
        }
    }

    /**
     * A key nobody holds, made by the same work as a thing's request key (one HKDF-Expand of an info string as long),
     * so that a request naming no usable thing costs what one naming a thing does before its MAC fails.
     */
    static byte[] throwawayRequestKey(String kid) {
        byte[] prk = new byte[32];
        THROWAWAY.nextBytes(prk);
        byte[] info = ("trusthub/v1" + kid + Layer.APPLICATION.name() + org.trusthub.offload.wire.Wire
                .MECH_REQUEST + "________").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(HKDFParameters.skipExtractParameters(prk, info));
        byte[] out = new byte[Crypto.KEY];
        g.generateBytes(out, 0, out.length);
        java.util.Arrays.fill(prk, (byte) 0);
        return out;
    }

    /** Whether the keystore knows the thing and its keys are revoked. */
    public boolean revoked(ThingId thing) {
        try {
            return keystore.metadata(thing).status() == KeyStatus.REVOKED;
        } catch (KeystoreException | IllegalArgumentException | IllegalStateException e) {
            return false;
        }
    }

    /** Whether the thing is OPERATIONAL with active keys right now. */
    public boolean inService(ThingId thing) {
        try {
            operational(thing.value(), "thing");
            return true;
        } catch (OffloadException e) {
            return false;
        }
    }

    /** The thing's 16-byte key for an offload mechanism; the caller wipes it. */
    public byte[] key(ThingId thing, String mechanism) {
        DerivedKey k = derive(thing, mechanism);
        try {
            return k.bytes();
        } finally {
            k.destroy();
        }
    }

    /** The thing's key for a mechanism with the key generation it belongs to; the caller destroys it. */
    public DerivedKey derive(ThingId thing, String mechanism) {
        try {
            return keystore.deriveKey(thing, Layer.APPLICATION, mechanism, Crypto.KEY);
        } catch (KeystoreException | IllegalArgumentException | IllegalStateException e) {
            throw new OffloadException(Refusal.UNKNOWN_THING, "no key for '" + thing + "': " + e.getMessage());
        }
    }

    /**
     * The enrolment of {@code key}'s thing joined with the key's own generation (read from the key, not from the
     * keystore, so a rotation between the two reads cannot pair the key with the next generation).
     */
    public KeyGeneration generationOf(DerivedKey key) {
        return new KeyGeneration(enrolled(key.thing()), key.generation());
    }

    /** The thing's current APPLICATION key generation, or empty if it is unknown or its keys are revoked. */
    public Optional<KeyGeneration> currentGeneration(ThingId thing) {
        try {
            KeyMetadata m = keystore.metadata(thing);
            if (m.status() != KeyStatus.ACTIVE) {
                return Optional.empty();
            }
            return Optional.of(new KeyGeneration(m.enrolled().toEpochMilli(),
                    m.layers().get(Layer.APPLICATION.ordinal()).generation()));
        } catch (KeystoreException | IllegalArgumentException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /**
     * The keystore's replay mark {@code name} of this request key (-1 for none). Refuses as a forgery would when the key
     * is no longer the thing's.
     */
    public long mark(DerivedKey key, String name) {
        try {
            return keystore.replayMark(key, name);
        } catch (KeystoreException | IllegalStateException e) {
            throw new OffloadException(Refusal.FORGED, "no current keys for '" + key.thing() + "'");
        }
    }

    /**
     * Decides with {@code guard} whether {@code seq}, which the window found fresh, is taken, moving the replay mark
     * {@code name} of the thing's request key of {@code generation} to it, durably, when it is above the mark.
     *
     * @return false for a replay (another window of the same key took it, see {@link ReplayMarks.Guard})
     * @throws OffloadException EXPIRED if the thing's keys are no longer of {@code generation}, UNKNOWN_THING if they
     *         are revoked
     * @throws KeystoreException if the mark cannot be written (nothing was taken)
     */
    public boolean acceptMark(ThingId thing, KeyGeneration generation, String name, ReplayMarks.Guard guard,
            long seq) {
        DerivedKey key = requestKeyOf(thing);
        try {
            if (!generationOf(key).equals(generation)) {
                throw new OffloadException(Refusal.EXPIRED, "request of '" + thing + "' was checked under "
                        + generation + ", which was replaced by " + generationOf(key) + ": stale, send it again");
            }
            return guard.accept(seq, () -> keystore.replayMark(key, name),
                    s -> keystore.advanceReplayMark(key, name, s));
        } catch (org.trusthub.api.keystore.StaleKeyException e) {
            throw new OffloadException(Refusal.EXPIRED, "keys of '" + thing + "' were replaced: stale, send it again");
        } catch (org.trusthub.api.keystore.KeyRevokedException e) {
            throw new OffloadException(Refusal.UNKNOWN_THING, "keys of '" + thing + "' are revoked");
        } finally {
            key.destroy();
        }
    }

    /** Raises the thing's current request key's mark {@code name} to at least {@code mark} (an earlier hub's). */
    public void carryOverMark(ThingId thing, String name, long mark) {
        DerivedKey key = requestKeyOf(thing);
        try {
            keystore.advanceReplayMark(key, name, mark);
        } finally {
            key.destroy();
        }
    }

    private DerivedKey requestKeyOf(ThingId thing) {
        try {
            return keystore.deriveKeyUnrecorded(thing, Layer.APPLICATION, org.trusthub.offload.wire.Wire.MECH_REQUEST,
                    Crypto.KEY);
        } catch (KeystoreException | IllegalArgumentException | IllegalStateException e) {
            throw new OffloadException(Refusal.UNKNOWN_THING, "no keys for '" + thing + "': " + e.getMessage());
        }
    }

    private long enrolled(ThingId thing) {
        try {
            return keystore.metadata(thing).enrolled().toEpochMilli();
        } catch (KeystoreException | IllegalArgumentException | IllegalStateException e) {
            throw new OffloadException(Refusal.UNKNOWN_THING, "no keys for '" + thing + "': " + e.getMessage());
        }
    }

    public ThingKeyStore keystore() {
        return keystore;
    }
}
