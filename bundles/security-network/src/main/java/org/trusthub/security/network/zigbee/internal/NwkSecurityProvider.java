package org.trusthub.security.network.zigbee.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

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
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.StaleKeyException;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.link.ccm.FrameCounterGuard;
import org.trusthub.security.network.zigbee.KeyId;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeAuxHeader;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeFrame;
import org.trusthub.security.network.zigbee.ZigbeeIds;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;

/** ZigBee NWK security with the network key in the keystore; see {@link ZigbeeNwkSecurity}. */
@Component(service = {ZigbeeNwkSecurity.class, SecurityProvider.class}, property = {
        SecurityProvider.LAYER + "=NETWORK", SecurityProvider.MECHANISM + "=" + ZigbeeNwkSecurity.MECHANISM})
public final class NwkSecurityProvider implements ZigbeeNwkSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(NwkSecurityProvider.class);
    private static final int ROOT_SECRET_LENGTH = 32;

    private final ThingKeyStore keystore;
    private final SecureRandom random = new SecureRandom();
    private final Map<ThingId, NetworkKeys> networks = new ConcurrentHashMap<>();
    // The current key's per-sender counters are the keystore's replay marks of that key, so a restart of this bundle
    // or of the hub refuses frames accepted before it; see Key.seen for the previous key of a key switch.
    private final FrameCounterGuard<Source> incoming;
    private final Refusals refusals = new Refusals(LOG, "ZigBee NWK frame", MECHANISM);
    // Frames are opened under the read lock; a key switch takes the write lock, so the marks it carries over to the
    // previous key are complete.
    private final ReentrantReadWriteLock switchLock = new ReentrantReadWriteLock();

    private record Source(DerivedKey key, long sender) {
        String name() {
            return ReplayMarks.fromAddress(sender);
        }
    }

    /** One network key generation, ready for CCM*. */
    static final class Key {
        final DerivedKey key;
        final CcmStar ccm;
        // Counters accepted under this key since it was loaded, by sender, written through beside the keystore's
        // marks: once the key is the previous one of a key switch the keystore no longer answers for it, and these
        // (with the marks carried over at a planned rotation) guard it until the switch completes.
        final Map<Long, Long> seen = new ConcurrentHashMap<>();
        // Whether seen holds every mark of the key (carried over at a planned rotation); after a rotation made
        // behind our back it does not, and senders not in it are refused under this key.
        volatile boolean complete;

        Key(DerivedKey key) {
            this.key = key;
            byte[] b = key.bytes();
            try {
                ccm = new CcmStar(b);
            } finally {
                Arrays.fill(b, (byte) 0);
            }
        }

        int sequence() {
            return key.generation() & 0xFF;
        }

        synchronized void destroy() {
            ccm.destroy();
            key.destroy();
        }
    }

    /** The current key and, during a key switch, the previous one (receive only). */
    private static final class NetworkKeys {
        volatile Key current;
        volatile Key previous;
    }

    @Activate
    public NwkSecurityProvider(@Reference ThingKeyStore keystore) {
        this.keystore = keystore;
        this.incoming = FrameCounterGuard.durable(keystore, Source::key, Source::name);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindRefusals(SecurityRefusals r) {
        refusals.bind(r);
    }

    public void unbindRefusals(SecurityRefusals r) {
        refusals.unbind(r);
    }

    @Override
    public Layer layer() {
        return Layer.NETWORK;
    }

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public synchronized int ensureNetwork(ThingId network) {
        if (!keystore.isActive(network)) {
            byte[] root = new byte[ROOT_SECRET_LENGTH];
            random.nextBytes(root);
            RootCredential.Secret secret = RootCredential.secret(root);
            Arrays.fill(root, (byte) 0);
            try {
                keystore.enroll(network, secret);
            } finally {
                secret.destroy();
            }
            LOG.info("ZigBee network key holder {} enrolled with a fresh random root secret", network);
        }
        return keys(network).current.sequence();
    }

    @Override
    public int keySequence(ThingId network) {
        return keys(network).current.sequence();
    }

    @Override
    public DerivedKey currentKey(ThingId network) {
        return keystore.deriveKey(network, Layer.NETWORK, MECHANISM, CcmStar.KEY_LENGTH);
    }

    @Override
    public byte[] protect(ThingId network, NwkHeader header, byte[] payload, long ownAddress)
            throws ZigbeeSecurityException {
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                Key key = keys(network).current;
                long counter;
                try {
                    counter = keystore.nextCounter(key.key, FrameCounterGuard.MAX_COUNTER);
                } catch (StaleKeyException e) {
                    reload(network, key);
                    continue;
                } catch (CounterExhaustedException e) {
                    throw new ZigbeeSecurityException(Reason.COUNTER_EXHAUSTED,
                            "frame counter of the network key of " + network + " is exhausted: rotate the key");
                }
                ZigbeeAuxHeader aux = new ZigbeeAuxHeader(KeyId.NETWORK_KEY, counter, ownAddress, key.sequence());
                synchronized (key) {
                    if (!key.ccm.isDestroyed()) {
                        return ZigbeeCodec.protectNwk(header, aux, payload, key.ccm);
                    }
                }
            }
            throw new ZigbeeSecurityException(Reason.UNKNOWN_KEY, "network key of " + network + " keeps changing");
        } catch (ZigbeeSecurityException e) {
            throw refusals.count(e, Optional.of(network));
        } catch (KeyRevokedException | UnknownThingException e) {
            throw refusals.count(new ZigbeeSecurityException(Reason.UNKNOWN_KEY,
                    "no network key for " + network + ": " + e.getMessage()), Optional.of(network));
        }
    }

    @Override
    public ZigbeeFrame<NwkHeader> unprotect(ThingId network, byte[] bytes, Admission admission)
            throws ZigbeeSecurityException {
        Objects.requireNonNull(admission, "admission");
        // the device the auxiliary header names (claimed until the MIC checks): refusals are counted against it
        Optional<ThingId> sender = Optional.empty();
        try {
            ZigbeeFrame<NwkHeader> frame = ZigbeeCodec.parseNwk(bytes);
            if (frame.secured() && frame.aux().source() != null) {
                sender = Optional.of(ZigbeeIds.device(frame.aux().source()));
            }
            if (!frame.secured()) {
                throw new ZigbeeSecurityException(Reason.UNSECURED, String.format(
                        "unsecured NWK frame from 0x%04x where the network key is required", frame.header().src()));
            }
            for (int attempt = 0;; attempt++) {
                // loaded outside the lock: loading may wait for this provider's monitor, which a rotation holds
                // while it waits for the write lock
                NetworkKeys keys = keys(network);
                Key stale;
                switchLock.readLock().lock();
                try {
                    return open(keys, frame, admission);
                } catch (StaleKeyException e) {
                    stale = keys.current;
                } finally {
                    switchLock.readLock().unlock();
                }
                // The keystore rotated the network key behind our back: take the new key and check again.
                reload(network, stale);
                if (attempt > 0) {
                    throw new ZigbeeSecurityException(Reason.UNKNOWN_KEY, "network key of " + network
                            + " keeps changing");
                }
            }
        } catch (ZigbeeSecurityException e) {
            if (e.reason() == Reason.NOT_ADMITTED) {
                throw e; // counted by the admission that refused it
            }
            throw refusals.count(e, sender);
        } catch (KeyRevokedException | UnknownThingException e) {
            throw refusals.count(new ZigbeeSecurityException(Reason.UNKNOWN_KEY,
                    "no network key for " + network + ": " + e.getMessage()), sender);
        } catch (CounterExhaustedException e) {
            // Only admitted senders get a mark, so this takes as many devices as one key may have marks: a new key
            // starts with none.
            throw refusals.count(new ZigbeeSecurityException(Reason.COUNTER_EXHAUSTED, "the network key of "
                    + network + " holds replay marks for as many senders as one key may have, so no frame of a new"
                    + " sender can be taken: rotate the network key (" + e.getMessage() + ")"), sender);
        } catch (KeystoreException e) {
            throw refusals.count(new ZigbeeSecurityException(Reason.REPLAY,
                    "the frame's replay mark could not be recorded, so it is refused: " + e.getMessage()), sender);
        }
    }

    // Under the read lock: the counter against the key's marks, the MIC, the admission, then the mark moves.
    private ZigbeeFrame<NwkHeader> open(NetworkKeys keys, ZigbeeFrame<NwkHeader> frame, Admission admission)
            throws ZigbeeSecurityException {
        ZigbeeAuxHeader aux = frame.aux();
        Key key = keys.current;
        boolean current = true;
        if (key.sequence() != aux.keySequence()) {
            Key previous = keys.previous;
            if (previous == null || previous.sequence() != aux.keySequence()) {
                // a rotation made directly in the keystore shows here first: StaleKeyException reloads and retries
                incoming.lastAccepted(new Source(key.key, aux.source()));
                throw new ZigbeeSecurityException(Reason.UNKNOWN_KEY, String.format(
                        "NWK frame from %016x under key sequence number %d; the network's is %d",
                        aux.source(), aux.keySequence(), key.sequence()));
            }
            key = previous;
            current = false;
        }
        long counter = aux.frameCounter();
        long sender = aux.source();
        if (counter > FrameCounterGuard.MAX_COUNTER) {
            throw new ZigbeeSecurityException(Reason.COUNTER_EXHAUSTED,
                    String.format("NWK frame counter 0xffffffff from %016x", sender));
        }
        Source source = new Source(key.key, sender);
        long last;
        if (current) {
            last = incoming.lastAccepted(source);
        } else {
            Long seen = key.seen.get(sender);
            if (seen == null && !key.complete) {
                throw new ZigbeeSecurityException(Reason.UNKNOWN_KEY, String.format("NWK frame from %016x under the"
                        + " previous network key, which was replaced outside the trust center: its replay marks are"
                        + " not at hand, so only senders seen under it since the start are accepted", sender));
            }
            last = seen == null ? -1 : seen;
        }
        if (counter <= last) {
            throw new ZigbeeSecurityException(Reason.REPLAY, String.format(
                    "NWK frame counter %d from %016x is not above the last accepted, %d", counter, sender, last));
        }
        ZigbeeFrame<NwkHeader> opened;
        synchronized (key) {
            if (key.ccm.isDestroyed()) {
                throw new ZigbeeSecurityException(Reason.UNKNOWN_KEY, "network key was just replaced");
            }
            opened = ZigbeeCodec.openNwk(frame, key.ccm);
        }
        // Before any mark is written: a sender the trust center does not have leaves none behind.
        if (!admission.admits(opened)) {
            throw new ZigbeeSecurityException(Reason.NOT_ADMITTED, String.format(
                    "NWK frame from %016x: not a device admitted to the network", sender));
        }
        boolean accepted;
        if (current) {
            accepted = incoming.commit(source, counter);
            if (accepted) {
                key.seen.merge(sender, counter, Math::max);
            }
        } else {
            long[] before = {-1};
            key.seen.compute(sender, (s, v) -> {
                before[0] = v == null ? -1 : v;
                return v == null || counter > v ? counter : v;
            });
            accepted = counter > before[0];
        }
        if (!accepted) {
            throw new ZigbeeSecurityException(Reason.REPLAY, String.format(
                    "NWK frame counter %d from %016x was accepted concurrently", counter, sender));
        }
        return opened;
    }

    @Override
    public synchronized int rotate(ThingId network) {
        NetworkKeys keys = keys(network);
        Key fresh;
        switchLock.writeLock().lock();
        try {
            // While no frame is being opened: the current key's marks go with it into the key switch, where the
            // keystore (which drops a rotated key's marks) no longer answers for it.
            Key outgoing = keys.current;
            try {
                keystore.replayMarks(outgoing.key).forEach((name, mark) -> {
                    Long sender = sender(name);
                    if (sender != null) {
                        outgoing.seen.merge(sender, mark, Math::max);
                    }
                });
                outgoing.complete = true;
            } catch (StaleKeyException e) {
                // already rotated behind our back: only the senders seen since the start are known
            }
            keystore.rotate(network, Layer.NETWORK);
            fresh = new Key(currentKey(network));
            Key old = keys.previous;
            keys.previous = outgoing;
            keys.current = fresh;
            if (old != null) {
                old.destroy();
            }
        } finally {
            switchLock.writeLock().unlock();
        }
        LOG.info("ZigBee network {}: new network key, key sequence number {} (previous {} kept until the switch)",
                network, fresh.sequence(), keys.previous.sequence());
        return fresh.sequence();
    }

    @Override
    public synchronized void completeSwitch(ThingId network) {
        NetworkKeys keys = networks.get(network);
        if (keys != null && keys.previous != null) {
            Key old = keys.previous;
            keys.previous = null;
            old.destroy();
            LOG.info("ZigBee network {}: key switch complete, previous network key forgotten", network);
        }
    }

    /**
     * For a network: its current key, named by its key sequence number. For a device: the network key it has sent
     * frames under since the key was loaded, with the network named. ZigBee NWK security is always ENC-MIC-32:
     * confidentiality, hop by hop.
     */
    @Override
    public List<Authenticated> sessions(ThingId thing) {
        List<Authenticated> out = new ArrayList<>();
        NetworkKeys own = networks.get(thing);
        if (own != null) {
            out.add(new Authenticated(thing, Layer.NETWORK, MECHANISM, Protection.confidentiality(),
                    "key sequence " + own.current.sequence()));
        }
        if (ZigbeeIds.isDevice(thing)) {
            long ieee = ZigbeeIds.ieeeAddress(thing);
            networks.forEach((network, keys) -> {
                Key current = keys.current;
                if (current != null && current.seen.containsKey(ieee)) {
                    out.add(new Authenticated(thing, Layer.NETWORK, MECHANISM, Protection.confidentiality(),
                            network.value() + " key sequence " + current.sequence()));
                }
            });
        }
        return out;
    }

    @Override
    public synchronized void forget(ThingId thing) {
        NetworkKeys keys = networks.remove(thing);
        if (keys != null) {
            keys.current.destroy();
            if (keys.previous != null) {
                keys.previous.destroy();
            }
        }
    }

    private NetworkKeys keys(ThingId network) {
        NetworkKeys keys = networks.get(network);
        if (keys != null) {
            return keys;
        }
        synchronized (this) {
            return networks.computeIfAbsent(network, n -> {
                NetworkKeys k = new NetworkKeys();
                k.current = new Key(currentKey(n));
                return k;
            });
        }
    }

    // The sender a mark name of ours stands for, or null for a name that is not one of ours.
    private static Long sender(String name) {
        String prefix = ReplayMarks.fromAddress(0).substring(0, "from-".length());
        if (name.length() != prefix.length() + 16 || !name.startsWith(prefix)) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(name.substring(prefix.length()), 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // Someone rotated the network's layer in the keystore directly: take the new key, keep the old for receiving
    // (from the senders seen under it only: its other marks went with the rotation).
    private synchronized void reload(ThingId network, Key stale) {
        switchLock.writeLock().lock();
        try {
            reloadLocked(network, stale);
        } finally {
            switchLock.writeLock().unlock();
        }
    }

    private void reloadLocked(ThingId network, Key stale) {
        NetworkKeys keys = networks.get(network);
        if (keys != null && keys.current == stale) {
            Key old = keys.previous;
            keys.previous = stale;
            keys.current = new Key(currentKey(network));
            if (old != null) {
                old.destroy();
            }
        }
    }
}
