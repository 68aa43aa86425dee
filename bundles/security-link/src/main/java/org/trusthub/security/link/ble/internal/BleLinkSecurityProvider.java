package org.trusthub.security.link.ble.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.security.link.ble.BleLinkSecurity;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.EncryptionStart;
import org.trusthub.security.link.ble.LinkCipher;
import org.trusthub.security.link.ble.LinkSession;

/**
 * The Bluetooth LE link-layer provider: sessions keyed from the bond's LTK in the keystore. It keeps no key of its
 * own; forgetting a thing closes its sessions at once, so a removed bond stops traffic on links already open.
 */
@Component(service = { SecurityProvider.class, BleLinkSecurity.class }, property = {
    SecurityProvider.LAYER + "=LINK", SecurityProvider.MECHANISM + "=" + BleLinkSecurity.NAME })
public final class BleLinkSecurityProvider implements SecurityProvider, BleLinkSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(BleLinkSecurityProvider.class);

    private final ThingKeyStore keystore;
    private final Map<ThingId, Set<LinkSession>> sessions = new ConcurrentHashMap<>();
    private final Map<BleSecurityException.Reason, AtomicLong> refusals = new EnumMap<>(
            BleSecurityException.Reason.class);

    @Activate
    public BleLinkSecurityProvider(@Reference ThingKeyStore keystore) {
        this.keystore = keystore;
        for (BleSecurityException.Reason r : BleSecurityException.Reason.values()) {
            refusals.put(r, new AtomicLong());
        }
    }

    @Override
    public Layer layer() {
        return Layer.LINK;
    }

    @Override
    public String mechanism() {
        return NAME;
    }

    @Override
    public LinkSession open(ThingId thing, LinkCipher.Role role, EncryptionStart start) {
        Optional<DerivedKey> ltk;
        try {
            ltk = keystore.storedKey(thing, Layer.LINK, LTK);
        } catch (UnknownThingException | KeyRevokedException e) {
            ltk = Optional.empty();
        }
        if (ltk.isEmpty()) {
            refused(BleSecurityException.Reason.UNKNOWN_KEY);
            LOG.warn("BLE link encryption refused for {}: no bond (unknown key)", thing);
            throw new BleSecurityException(BleSecurityException.Reason.UNKNOWN_KEY,
                    "no bonded LTK for " + thing + "; pair it first");
        }
        DerivedKey key = ltk.get();
        byte[] bytes = key.bytes();
        try {
            LinkSession session = new LinkSession(LinkCipher.fromLtk(bytes, start, role), this::refusedOnLink);
            sessions.computeIfAbsent(thing, t -> ConcurrentHashMap.newKeySet()).add(session);
            return session;
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
            key.destroy();
        }
    }

    @Override
    public LinkSession openForPairing(byte[] ltk, LinkCipher.Role role, EncryptionStart start) {
        return new LinkSession(LinkCipher.fromLtk(ltk, start, role), this::refusedOnLink);
    }

    @Override
    public void forget(ThingId thing) {
        Set<LinkSession> open = sessions.remove(thing);
        if (open != null) {
            open.forEach(LinkSession::close);
            LOG.info("BLE link sessions of {} closed ({})", thing, open.size());
        }
    }

    @Override
    public Map<BleSecurityException.Reason, Long> refusals() {
        Map<BleSecurityException.Reason, Long> out = new EnumMap<>(BleSecurityException.Reason.class);
        refusals.forEach((r, n) -> out.put(r, n.get()));
        return out;
    }

    private void refusedOnLink(BleSecurityException.Reason reason) {
        refused(reason);
        LOG.warn("BLE link-layer packet refused: {}", reason);
    }

    private void refused(BleSecurityException.Reason reason) {
        refusals.get(reason).incrementAndGet();
    }
}
