package org.trusthub.security.network.zigbee.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.link.ccm.FrameCounterGuard;
import org.trusthub.security.network.zigbee.ApsHeader;
import org.trusthub.security.network.zigbee.InstallCode;
import org.trusthub.security.network.zigbee.KeyId;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeAuxHeader;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeFrame;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;

/** ZigBee APS security with link keys stored in the keystore; see {@link ZigbeeApsSecurity}. */
@Component(service = {ZigbeeApsSecurity.class, SecurityProvider.class}, property = {
        SecurityProvider.LAYER + "=NETWORK", SecurityProvider.MECHANISM + "=" + ZigbeeApsSecurity.MECHANISM})
public final class ApsSecurityProvider implements ZigbeeApsSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(ApsSecurityProvider.class);

    private final ThingKeyStore keystore;
    // Per-sender counters are the keystore's replay marks of the device's link key: a restart refuses frames accepted
    // before it, and a new or deleted link key (or a revocation) starts them over.
    private final FrameCounterGuard<Source> incoming;
    private final Refusals refusals = new Refusals(LOG, "ZigBee APS frame", MECHANISM);

    private record Source(DerivedKey link, long sender) {
        String name() {
            return ReplayMarks.fromAddress(sender);
        }
    }

    @Activate
    public ApsSecurityProvider(@Reference ThingKeyStore keystore) {
        this.keystore = keystore;
        this.incoming = FrameCounterGuard.durable(keystore, Source::link, Source::name);
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
    public void storeInstallCode(ThingId device, InstallCode code) {
        byte[] key = code.linkKey();
        try {
            keystore.storeKey(device, Layer.NETWORK, LINK_KEY_MECHANISM, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        LOG.info("ZigBee link key of {} stored from its install code", device);
    }

    @Override
    public boolean hasLinkKey(ThingId device) {
        try {
            Optional<DerivedKey> key = keystore.storedKey(device, Layer.NETWORK, LINK_KEY_MECHANISM);
            key.ifPresent(DerivedKey::destroy);
            return key.isPresent();
        } catch (KeyRevokedException | UnknownThingException e) {
            return false;
        }
    }

    @Override
    public boolean deleteLinkKey(ThingId device) {
        try {
            return keystore.deleteStoredKey(device, Layer.NETWORK, LINK_KEY_MECHANISM);
        } catch (KeyRevokedException | UnknownThingException e) {
            return false;
        }
    }

    @Override
    public byte[] protect(ThingId device, ApsHeader header, KeyId keyId, byte[] payload, long ownAddress,
            boolean extendedNonce) throws ZigbeeSecurityException {
        try {
            DerivedKey link = linkKey(device);
            try {
                long counter = keystore.nextCounter(link, FrameCounterGuard.MAX_COUNTER);
                ZigbeeAuxHeader aux = new ZigbeeAuxHeader(keyId, counter, extendedNonce ? ownAddress : null, -1);
                CcmStar ccm = ccm(link, keyId);
                try {
                    return ZigbeeCodec.protectAps(header, aux, ownAddress, payload, ccm);
                } finally {
                    ccm.destroy();
                }
            } finally {
                link.destroy();
            }
        } catch (CounterExhaustedException e) {
            throw refusals.count(new ZigbeeSecurityException(Reason.COUNTER_EXHAUSTED,
                    "frame counter of the link key of " + device + " is exhausted"), Optional.of(device));
        } catch (StaleKeyException | KeyRevokedException | UnknownThingException e) {
            throw refusals.count(new ZigbeeSecurityException(Reason.UNKNOWN_KEY,
                    "no link key for " + device + ": " + e.getMessage()), Optional.of(device));
        } catch (ZigbeeSecurityException e) {
            throw refusals.count(e, Optional.of(device));
        }
    }

    @Override
    public ZigbeeFrame<ApsHeader> unprotect(ThingId device, byte[] bytes, long senderAddress)
            throws ZigbeeSecurityException {
        try {
            ZigbeeFrame<ApsHeader> frame = ZigbeeCodec.parseAps(bytes);
            if (!frame.secured()) {
                throw new ZigbeeSecurityException(Reason.UNSECURED, "unsecured APS frame where a link key is required");
            }
            long sender = frame.aux().source() != null ? frame.aux().source() : senderAddress;
            DerivedKey link = linkKey(device);
            try {
                Source source = new Source(link, sender);
                switch (incoming.check(source, frame.aux().frameCounter())) {
                    case REPLAYED -> throw new ZigbeeSecurityException(Reason.REPLAY, "APS frame counter "
                            + frame.aux().frameCounter() + " from " + device + " is not above the last accepted");
                    case WRAPPED -> throw new ZigbeeSecurityException(Reason.COUNTER_EXHAUSTED,
                            "APS frame counter 0xffffffff from " + device);
                    default -> {
                    }
                }
                CcmStar ccm = ccm(link, frame.aux().keyId());
                ZigbeeFrame<ApsHeader> opened;
                try {
                    opened = ZigbeeCodec.openAps(frame, sender, ccm);
                } finally {
                    ccm.destroy();
                }
                if (!incoming.commit(source, frame.aux().frameCounter())) {
                    throw new ZigbeeSecurityException(Reason.REPLAY, "APS frame counter accepted concurrently");
                }
                return opened;
            } finally {
                link.destroy();
            }
        } catch (ZigbeeSecurityException e) {
            throw refusals.count(e, Optional.of(device));
        } catch (StaleKeyException | KeyRevokedException | UnknownThingException e) {
            throw refusals.count(new ZigbeeSecurityException(Reason.UNKNOWN_KEY,
                    "no link key for " + device + ": " + e.getMessage()), Optional.of(device));
        } catch (KeystoreException e) {
            throw refusals.count(new ZigbeeSecurityException(Reason.REPLAY,
                    "the frame's replay mark could not be recorded, so it is refused: " + e.getMessage()),
                    Optional.of(device));
        }
    }

    /** The device's link key while one is stored, named by its generation: APS security is end to end. */
    @Override
    public List<Authenticated> sessions(ThingId thing) {
        Optional<DerivedKey> key;
        try {
            key = keystore.storedKey(thing, Layer.NETWORK, LINK_KEY_MECHANISM);
        } catch (KeyRevokedException | UnknownThingException e) {
            return List.of();
        }
        if (key.isEmpty()) {
            return List.of();
        }
        int generation = key.get().generation();
        key.get().destroy();
        return List.of(new Authenticated(thing, Layer.NETWORK, MECHANISM, Protection.confidentiality().endToEnd(),
                "link key generation " + generation));
    }

    @Override
    public void forget(ThingId thing) {
        // Nothing is cached: link keys are read from the keystore on each use.
    }

    private DerivedKey linkKey(ThingId device) throws ZigbeeSecurityException {
        return keystore.storedKey(device, Layer.NETWORK, LINK_KEY_MECHANISM).orElseThrow(
                () -> new ZigbeeSecurityException(Reason.UNKNOWN_KEY, "no link key is stored for " + device));
    }

    private static CcmStar ccm(DerivedKey link, KeyId keyId) throws ZigbeeSecurityException {
        if (keyId == KeyId.NETWORK_KEY) {
            throw new ZigbeeSecurityException(Reason.BAD_AUX_HEADER, "APS frames are not secured with the network key");
        }
        byte[] l = link.bytes();
        byte[] k = keyId.fromLinkKey(l);
        try {
            return new CcmStar(k);
        } finally {
            Arrays.fill(l, (byte) 0);
            Arrays.fill(k, (byte) 0);
        }
    }
}
