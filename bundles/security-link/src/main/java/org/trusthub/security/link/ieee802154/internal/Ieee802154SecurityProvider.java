package org.trusthub.security.link.ieee802154.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.CounterExhaustedException;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.StaleKeyException;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.link.ccm.FrameCounterGuard;
import org.trusthub.security.link.ieee802154.AuxSecurityHeader;
import org.trusthub.security.link.ieee802154.FrameCodec;
import org.trusthub.security.link.ieee802154.FrameSecurityException;
import org.trusthub.security.link.ieee802154.FrameSecurityException.Reason;
import org.trusthub.security.link.ieee802154.Ieee802154Security;
import org.trusthub.security.link.ieee802154.KeyIdentifier;
import org.trusthub.security.link.ieee802154.MacFrame;
import org.trusthub.security.link.ieee802154.SecurityLevel;

/** IEEE 802.15.4 frame security with keystore keys and counters; see {@link Ieee802154Security}. */
@Component(service = {Ieee802154Security.class, SecurityProvider.class}, property = {
        SecurityProvider.LAYER + "=LINK", SecurityProvider.MECHANISM + "=" + Ieee802154Security.MECHANISM})
public final class Ieee802154SecurityProvider implements Ieee802154Security {

    private static final Logger LOG = LoggerFactory.getLogger(Ieee802154SecurityProvider.class);

    private final ThingKeyStore keystore;
    private final Map<KeyIdentifier, ThingId> bindings = new ConcurrentHashMap<>();
    private final Map<ThingId, KeyEntry> keys = new ConcurrentHashMap<>();
    // Durable: the marks are the keystore's, bound to the key, so a restart refuses frames accepted before it.
    private final FrameCounterGuard<Source> incoming;
    // Anyone in radio range can make frames be refused: at most one line per reason every 10 s.
    private final LogLimiter refusalLog = new LogLimiter(Duration.ofSeconds(10), 1);
    private volatile SecurityRefusals refusals;

    /** A sender under one key; the keystore keeps its mark under that key, so a rotation starts it over. */
    private record Source(DerivedKey key, long sender) {
        String name() {
            return ReplayMarks.fromAddress(sender);
        }
    }

    private static final class KeyEntry {
        final DerivedKey key;
        final CcmStar ccm;
        // the level of the last frame accepted under this key: what its session is worth to the security status
        volatile SecurityLevel lastLevel;

        KeyEntry(DerivedKey key) {
            this.key = key;
            byte[] bytes = key.bytes();
            try {
                this.ccm = new CcmStar(bytes);
            } finally {
                java.util.Arrays.fill(bytes, (byte) 0);
            }
        }

        void destroy() {
            ccm.destroy();
            key.destroy();
        }
    }

    @Activate
    public Ieee802154SecurityProvider(@Reference ThingKeyStore keystore) {
        this.keystore = keystore;
        this.incoming = FrameCounterGuard.durable(keystore, Source::key, Source::name);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindRefusals(SecurityRefusals r) {
        refusals = r;
    }

    public void unbindRefusals(SecurityRefusals r) {
        if (refusals == r) {
            refusals = null;
        }
    }

    @Override
    public org.trusthub.api.keystore.Layer layer() {
        return Layer.LINK;
    }

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public void bindKey(KeyIdentifier id, ThingId keyOwner) {
        bindings.put(java.util.Objects.requireNonNull(id, "id"), java.util.Objects.requireNonNull(keyOwner, "owner"));
    }

    @Override
    public boolean unbindKey(KeyIdentifier id) {
        return bindings.remove(id) != null;
    }

    @Override
    public Optional<ThingId> keyOwner(KeyIdentifier id) {
        return Optional.ofNullable(bindings.get(id));
    }

    @Override
    public MacFrame protect(MacFrame unsecured, SecurityLevel level, KeyIdentifier keyId, long ownAddress)
            throws FrameSecurityException {
        ThingId owner = null;
        try {
            owner = owner(keyId);
            for (int attempt = 0;; attempt++) {
                KeyEntry entry = key(owner);
                long counter;
                try {
                    counter = keystore.nextCounter(entry.key, FrameCounterGuard.MAX_COUNTER);
                } catch (StaleKeyException e) {
                    // Rotated since we cached it: drop it and draw from the new key's counter.
                    drop(owner, entry);
                    if (attempt > 0) {
                        throw new FrameSecurityException(Reason.UNKNOWN_KEY, "key of " + owner + " keeps changing");
                    }
                    continue;
                } catch (CounterExhaustedException e) {
                    throw new FrameSecurityException(Reason.COUNTER_EXHAUSTED,
                            "frame counter of the key of " + owner + " is exhausted: rotate the key");
                }
                AuxSecurityHeader aux = new AuxSecurityHeader(level, keyId.mode(), counter, keyId.keySource(),
                        keyId.keyIndex());
                synchronized (entry) {
                    if (entry.ccm.isDestroyed()) {
                        continue;
                    }
                    return FrameCodec.protect(unsecured, aux, entry.ccm, ownAddress);
                }
            }
        } catch (FrameSecurityException e) {
            throw count(e, owner);
        } catch (KeyRevokedException | UnknownThingException e) {
            throw count(new FrameSecurityException(Reason.UNKNOWN_KEY,
                    "no usable key for " + keyId + ": " + e.getMessage()), owner);
        }
    }

    @Override
    public MacFrame unprotect(byte[] bytes, SecurityLevel minimum, Long senderAddress)
            throws FrameSecurityException {
        ThingId owner = null;
        try {
            MacFrame frame = MacFrame.parse(bytes);
            Optional<AuxSecurityHeader> auxOpt = frame.aux();
            if (auxOpt.isEmpty()) {
                if (minimum != SecurityLevel.NONE) {
                    throw new FrameSecurityException(Reason.SECURITY_LEVEL,
                            "unsecured frame where " + minimum + " is required");
                }
                return frame;
            }
            AuxSecurityHeader aux = auxOpt.get();
            if (aux.level().micLength() < minimum.micLength() || minimum.encrypted() && !aux.level().encrypted()) {
                throw new FrameSecurityException(Reason.SECURITY_LEVEL,
                        "frame secured at " + aux.level() + " where " + minimum + " is required");
            }
            long sender;
            if (frame.src().isExtended()) {
                sender = frame.src().value();
            } else if (senderAddress != null) {
                sender = senderAddress;
            } else {
                throw new FrameSecurityException(Reason.UNKNOWN_KEY,
                        "sender " + frame.src() + " has no known extended address for the nonce");
            }
            owner = owner(KeyIdentifier.of(aux, sender));
            for (int attempt = 0;; attempt++) {
                KeyEntry entry = key(owner);
                try {
                    return open(frame, aux, entry, owner, sender);
                } catch (StaleKeyException e) {
                    // Rotated since we cached it: the frame is checked against the new key's marks and opened with it.
                    drop(owner, entry);
                    if (attempt > 0) {
                        throw new FrameSecurityException(Reason.UNKNOWN_KEY, "key of " + owner + " keeps changing");
                    }
                }
            }
        } catch (FrameSecurityException e) {
            throw count(e, owner);
        } catch (KeyRevokedException | UnknownThingException e) {
            throw count(new FrameSecurityException(Reason.UNKNOWN_KEY, "no usable key: " + e.getMessage()), owner);
        } catch (KeystoreException e) {
            throw count(new FrameSecurityException(Reason.REPLAY,
                    "the frame's replay mark could not be recorded, so it is refused: " + e.getMessage()), owner);
        }
    }

    // Checks the counter against the key's durable mark, opens the frame, then moves the mark.
    private MacFrame open(MacFrame frame, AuxSecurityHeader aux, KeyEntry entry, ThingId owner, long sender)
            throws FrameSecurityException {
        Source source = new Source(entry.key, sender);
        long counter = aux.frameCounter();
        if (counter > FrameCounterGuard.MAX_COUNTER) {
            throw new FrameSecurityException(Reason.COUNTER_EXHAUSTED,
                    "frame counter 0xffffffff from " + String.format("%016x", sender));
        }
        long last = incoming.lastAccepted(source);
        if (counter <= last) {
            throw new FrameSecurityException(Reason.REPLAY, "frame counter " + counter + " from "
                    + String.format("%016x", sender) + " is not above the last accepted, " + last);
        }
        MacFrame opened;
        synchronized (entry) {
            if (entry.ccm.isDestroyed()) {
                throw new FrameSecurityException(Reason.UNKNOWN_KEY, "key of " + owner + " was just dropped");
            }
            opened = FrameCodec.unprotect(frame, entry.ccm, sender);
        }
        if (!incoming.commit(source, counter)) {
            throw new FrameSecurityException(Reason.REPLAY, "frame counter " + counter + " from "
                    + String.format("%016x", sender) + " was accepted concurrently");
        }
        entry.lastLevel = aux.level();
        return opened;
    }

    @Override
    public void forget(ThingId thing) {
        KeyEntry entry = keys.remove(thing);
        if (entry != null) {
            synchronized (entry) {
                entry.destroy();
            }
        }
    }

    /**
     * The thing's key while this provider holds it, named by its generation, with the protection of the last frame
     * accepted under it (none before the first).
     */
    @Override
    public List<Authenticated> sessions(ThingId thing) {
        KeyEntry entry = keys.get(thing);
        if (entry == null) {
            return List.of();
        }
        SecurityLevel level = entry.lastLevel;
        return List.of(new Authenticated(thing, Layer.LINK, MECHANISM,
                level == null ? org.trusthub.api.security.Protection.NONE : level.protection(),
                "key generation " + entry.key.generation()));
    }

    private ThingId owner(KeyIdentifier id) throws FrameSecurityException {
        ThingId owner = bindings.get(id);
        if (owner == null) {
            throw new FrameSecurityException(Reason.UNKNOWN_KEY, "no key is bound to " + id);
        }
        return owner;
    }

    private KeyEntry key(ThingId owner) {
        return keys.computeIfAbsent(owner,
                o -> new KeyEntry(keystore.deriveKey(o, Layer.LINK, MECHANISM, CcmStar.KEY_LENGTH)));
    }

    private void drop(ThingId owner, KeyEntry entry) {
        if (keys.remove(owner, entry)) {
            synchronized (entry) {
                entry.destroy();
            }
        }
    }

    // The sender is named only once the key identifier tied it to a thing; the refusal service counts unknown ones
    // without a thing.
    private FrameSecurityException count(FrameSecurityException e, ThingId owner) {
        SecurityRefusals r = refusals;
        if (r != null) {
            r.refused(Optional.ofNullable(owner), Layer.LINK, MECHANISM, e.reason().common());
        }
        refusalLog.admit(e.reason().name()).ifPresent(held -> LOG.info("IEEE 802.15.4 frame refused: {}{}",
                e.getMessage(), held > 0 ? " (" + held + " more " + e.reason() + " refusals not logged)" : ""));
        return e;
    }
}
