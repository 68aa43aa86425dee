package org.trusthub.security.link.ble.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.security.link.ble.BleLinkSecurity;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.EncryptionStart;
import org.trusthub.security.link.ble.LinkCipher;
import org.trusthub.security.link.ble.LinkSession;

/**
 * The Bluetooth LE link-layer provider: sessions keyed from the bond's LTK in the keystore. It keeps no key of its
 * own; forgetting a thing closes its sessions at once, so a removed bond stops traffic on links already open. Each
 * refusal is reported to {@link SecurityRefusals}, when one is registered.
 */
@Component(service = { SecurityProvider.class, BleLinkSecurity.class }, property = {
    SecurityProvider.LAYER + "=LINK", SecurityProvider.MECHANISM + "=" + BleLinkSecurity.NAME })
public final class BleLinkSecurityProvider implements SecurityProvider, BleLinkSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(BleLinkSecurityProvider.class);

    private final ThingKeyStore keystore;
    /** Open sessions per thing, each with the id the security status shows (a counter, nothing of the key). */
    private final Map<ThingId, Set<LinkSession>> sessions = new ConcurrentHashMap<>();
    private final AtomicLong sessionIds = new AtomicLong();
    private final LogLimiter logLimiter = new LogLimiter(java.time.Duration.ofMinutes(1), 5);

    private volatile SecurityRefusals refusals;

    @Activate
    public BleLinkSecurityProvider(@Reference ThingKeyStore keystore) {
        this.keystore = keystore;
    }

    /** Where refusals are counted; without one they are only logged. */
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
        boolean legacy = false;
        try {
            ltk = keystore.storedKey(thing, Layer.LINK, LTK);
            if (ltk.isEmpty()) {
                ltk = keystore.storedKey(thing, Layer.LINK, LEGACY_LTK);
                legacy = ltk.isPresent();
            }
        } catch (UnknownThingException | KeyRevokedException e) {
            ltk = Optional.empty();
        }
        if (ltk.isEmpty()) {
            refused(Optional.of(thing), BleSecurityException.Reason.UNKNOWN_KEY);
            throw new BleSecurityException(BleSecurityException.Reason.UNKNOWN_KEY,
                    "no bonded LTK for " + thing + "; pair it first").reported();
        }
        DerivedKey key = ltk.get();
        byte[] bytes = key.bytes();
        try {
            String id = "link-" + sessionIds.incrementAndGet();
            LinkSession session = new LinkSession(LinkCipher.fromLtk(bytes, start, role),
                    reason -> refused(Optional.of(thing), reason), id, legacy);
            sessions.computeIfAbsent(thing, t -> ConcurrentHashMap.newKeySet()).add(session);
            return session;
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
            key.destroy();
        }
    }

    @Override
    public LinkSession openForPairing(byte[] ltk, LinkCipher.Role role, EncryptionStart start) {
        return new LinkSession(LinkCipher.fromLtk(ltk, start, role), reason -> refused(Optional.empty(), reason));
    }

    @Override
    public void forget(ThingId thing) {
        Set<LinkSession> open = sessions.remove(thing);
        if (open != null) {
            open.forEach(LinkSession::close);
            LOG.info("BLE link sessions of {} closed ({})", thing, open.size());
        }
    }

    /**
     * The thing's open encrypted links: confidentiality, hop by hop (the link ends at the hub's controller), or no
     * protection for a link keyed by a legacy bond ({@link BleLinkSecurity#authenticated}).
     */
    @Override
    public List<Authenticated> sessions(ThingId thing) {
        Set<LinkSession> open = sessions.get(thing);
        if (open == null) {
            return List.of();
        }
        open.removeIf(LinkSession::isClosed);
        List<Authenticated> out = new ArrayList<>();
        open.forEach(s -> out.add(BleLinkSecurity.authenticated(thing, s)));
        out.sort(java.util.Comparator.comparing(Authenticated::session));
        return out;
    }

    private void refused(Optional<ThingId> thing, BleSecurityException.Reason reason) {
        SecurityRefusals r = refusals;
        if (r != null) {
            r.refused(thing, Layer.LINK, NAME, reason.common());
        }
        logLimiter.admit("refused " + reason).ifPresent(left -> LOG.warn(
                "BLE link-layer security refused {} ({}; {} more left out)", thing.map(ThingId::value)
                        .orElse("a pairing link"), reason, left));
    }
}
