package org.trusthub.security.network.zigbee.internal;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.CounterExhaustedException;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.StaleKeyException;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.link.ccm.FrameCounterGuard;
import org.trusthub.security.network.zigbee.KeyId;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeAuxHeader;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeFrame;
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
    private final FrameCounterGuard<Source> incoming = new FrameCounterGuard<>();
    private final Refusals refusals = new Refusals(LOG, "ZigBee NWK frame");

    private record Source(ThingId network, int generation, long sender) {
    }

    /** One network key generation, ready for CCM*. */
    static final class Key {
        final DerivedKey key;
        final CcmStar ccm;

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
            throw refusals.count(e);
        } catch (KeyRevokedException | UnknownThingException e) {
            throw refusals.count(new ZigbeeSecurityException(Reason.UNKNOWN_KEY,
                    "no network key for " + network + ": " + e.getMessage()));
        }
    }

    @Override
    public ZigbeeFrame<NwkHeader> unprotect(ThingId network, byte[] bytes) throws ZigbeeSecurityException {
        try {
            ZigbeeFrame<NwkHeader> frame = ZigbeeCodec.parseNwk(bytes);
            if (!frame.secured()) {
                throw new ZigbeeSecurityException(Reason.UNSECURED, String.format(
                        "unsecured NWK frame from 0x%04x where the network key is required", frame.header().src()));
            }
            ZigbeeAuxHeader aux = frame.aux();
            NetworkKeys keys = keys(network);
            Key key = keys.current;
            if (key.sequence() != aux.keySequence()) {
                Key previous = keys.previous;
                if (previous == null || previous.sequence() != aux.keySequence()) {
                    throw new ZigbeeSecurityException(Reason.UNKNOWN_KEY, String.format(
                            "NWK frame from %016x under key sequence number %d; the network's is %d",
                            aux.source(), aux.keySequence(), key.sequence()));
                }
                key = previous;
            }
            Source source = new Source(network, key.key.generation(), aux.source());
            switch (incoming.check(source, aux.frameCounter())) {
                case REPLAYED -> throw new ZigbeeSecurityException(Reason.REPLAY, String.format(
                        "NWK frame counter %d from %016x is not above the last accepted, %d", aux.frameCounter(),
                        aux.source(), incoming.lastAccepted(source)));
                case WRAPPED -> throw new ZigbeeSecurityException(Reason.COUNTER_EXHAUSTED,
                        String.format("NWK frame counter 0xffffffff from %016x", aux.source()));
                default -> {
                }
            }
            ZigbeeFrame<NwkHeader> opened;
            synchronized (key) {
                if (key.ccm.isDestroyed()) {
                    throw new ZigbeeSecurityException(Reason.UNKNOWN_KEY, "network key was just replaced");
                }
                opened = ZigbeeCodec.openNwk(frame, key.ccm);
            }
            if (!incoming.commit(source, aux.frameCounter())) {
                throw new ZigbeeSecurityException(Reason.REPLAY, String.format(
                        "NWK frame counter %d from %016x was accepted concurrently", aux.frameCounter(), aux.source()));
            }
            return opened;
        } catch (ZigbeeSecurityException e) {
            throw refusals.count(e);
        } catch (KeyRevokedException | UnknownThingException e) {
            throw refusals.count(new ZigbeeSecurityException(Reason.UNKNOWN_KEY,
                    "no network key for " + network + ": " + e.getMessage()));
        }
    }

    @Override
    public synchronized int rotate(ThingId network) {
        NetworkKeys keys = keys(network);
        keystore.rotate(network, Layer.NETWORK);
        Key fresh = new Key(currentKey(network));
        Key old = keys.previous;
        keys.previous = keys.current;
        keys.current = fresh;
        if (old != null) {
            old.destroy();
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

    @Override
    public Map<Reason, Long> refusals() {
        return refusals.snapshot();
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

    // Someone rotated the network's layer in the keystore directly: take the new key, keep the old for receiving.
    private synchronized void reload(ThingId network, Key stale) {
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
