package org.trusthub.keystore.internal;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.HubIdentityStore;
import org.trusthub.api.keystore.KeyCounters;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.StoredKeys;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.ThingKeys;
import org.trusthub.api.keystore.TrustAnchorStore;
import org.trusthub.api.keystore.TrustAnchorEntry;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.thing.ThingId;

/**
 * Publishes the keystore as one service registered under {@link ThingKeyStore} and each concern it is made of
 * ({@link ThingKeys}, {@link KeyCounters}, {@link StoredKeys}, {@link TrustAnchorStore}, {@link HubIdentityStore}), so
 * a consumer depends on the part it needs and every part is the same store. Configuration PID {@value #PID}; a
 * configuration change reopens the store. Events go to EventAdmin when one is present; the keystore works without it.
 */
@Component(service = {ThingKeyStore.class, ThingKeys.class, KeyCounters.class, StoredKeys.class,
        TrustAnchorStore.class, HubIdentityStore.class}, configurationPid = KeystoreComponent.PID, immediate = true)
@Designate(ocd = KeystoreComponent.Config.class)
public final class KeystoreComponent implements ThingKeyStore {

    /** Configuration PID. */
    public static final String PID = "org.trusthub.keystore";

    private static final Logger LOG = LoggerFactory.getLogger(KeystoreComponent.class);

    @ObjectClassDefinition(name = "trusthub keystore", description = "The shared cross-layer keystore: root "
            + "credentials, derived keys, nonce counters and the hub identity, encrypted at rest under the hub "
            + "master key.")
    public @interface Config {
        @AttributeDefinition(name = "Store directory", description = "Directory of the encrypted keystore files. "
                + "Empty: ${karaf.data}/trusthub/keystore.")
        String storeDirectory() default "";

        @AttributeDefinition(name = "Master key file", description = "File holding the 32-byte hub master key, "
                + "owner-only (0600), kept apart from the store; created at first start. "
                + "Empty: ${karaf.etc}/trusthub/master.key.")
        String masterKeyFile() default "";

        @AttributeDefinition(name = "Counter reservation", description = "How many nonce counter values one disk "
                + "write reserves; a restart skips what is left of a block.", min = "1")
        int counterReservation() default FileThingKeyStore.DEFAULT_COUNTER_RESERVATION;

        @AttributeDefinition(name = "Replay mark reservation", description = "How far ahead of an accepted incoming "
                + "frame counter a replay mark is written (one disk write per this many frames from a sender). "
                + "After a crash, at most this many minus one fresh frames of each sender are refused; a clean "
                + "stop writes the exact marks. 1 writes on every accepted frame.", min = "1")
        int replayMarkReservation() default FileThingKeyStore.DEFAULT_REPLAY_RESERVATION;
    }

    // Optional and dynamic: keys are served whether or not an EventAdmin is around. Package-private for tests.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    private volatile FileThingKeyStore keystore;

    @Activate
    void activate(Config config) {
        try {
            Path store = path(config.storeDirectory(), "karaf.data", "trusthub/keystore", "storeDirectory");
            Path masterKey = path(config.masterKeyFile(), "karaf.etc", "trusthub/master.key", "masterKeyFile");
            keystore = FileThingKeyStore.open(store, masterKey, Clock.systemUTC(), config.counterReservation(),
                    config.replayMarkReservation(), this::post);
        } catch (RuntimeException e) {
            LOG.error("Keystore not started: {}", e.getMessage());
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        FileThingKeyStore k = keystore;
        keystore = null;
        if (k != null) {
            k.close();
        }
    }

    static Path path(String configured, String systemProperty, String relative, String propertyName) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        String base = System.getProperty(systemProperty);
        if (base == null || base.isBlank()) {
            throw new KeystoreException("keystore configuration " + PID + ": " + propertyName + " is not set and "
                    + "the system property " + systemProperty + " is absent; set " + propertyName);
        }
        return Path.of(base, relative);
    }

    private void post(KeyEvent e) {
        EventAdmin admin = eventAdmin;
        if (admin == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(TrustHubEvents.THING, e.thing().value());
        if (e.layer() != null) {
            props.put(TrustHubEvents.LAYER, e.layer().name());
        }
        if (e.generation() != null) {
            props.put(TrustHubEvents.GENERATION, e.generation());
        }
        props.put(TrustHubEvents.TIMESTAMP, e.timestamp().toEpochMilli());
        admin.postEvent(new Event(e.topic(), props));
    }

    private FileThingKeyStore keystore() {
        FileThingKeyStore k = keystore;
        if (k == null) {
            throw new IllegalStateException("the keystore component is not active");
        }
        return k;
    }

    @Override
    public void enroll(ThingId thing, RootCredential root) {
        keystore().enroll(thing, root);
    }

    @Override
    public boolean isActive(ThingId thing) {
        return keystore().isActive(thing);
    }

    @Override
    public List<ThingId> things() {
        return keystore().things();
    }

    @Override
    public DerivedKey deriveKey(ThingId thing, Layer layer, String mechanism, int length) {
        return keystore().deriveKey(thing, layer, mechanism, length);
    }

    @Override
    public DerivedKey deriveKeyUnrecorded(ThingId thing, Layer layer, String mechanism, int length) {
        return keystore().deriveKeyUnrecorded(thing, layer, mechanism, length);
    }

    @Override
    public void recordUse(DerivedKey key) {
        keystore().recordUse(key);
    }

    @Override
    public int rotate(ThingId thing, Layer layer) {
        return keystore().rotate(thing, layer);
    }

    @Override
    public void rotateAll(ThingId thing) {
        keystore().rotateAll(thing);
    }

    @Override
    public boolean revoke(ThingId thing) {
        return keystore().revoke(thing);
    }

    @Override
    public long nextCounter(ThingId thing, Layer layer, String mechanism, long limit) {
        return keystore().nextCounter(thing, layer, mechanism, limit);
    }

    @Override
    public long nextCounter(DerivedKey key, long limit) {
        return keystore().nextCounter(key, limit);
    }

    @Override
    public long replayMark(DerivedKey key, String name) {
        return keystore().replayMark(key, name);
    }

    @Override
    public boolean advanceReplayMark(DerivedKey key, String name, long counter) {
        return keystore().advanceReplayMark(key, name, counter);
    }

    @Override
    public Map<String, Long> replayMarks(DerivedKey key) {
        return keystore().replayMarks(key);
    }

    @Override
    public void storeKey(ThingId thing, Layer layer, String mechanism, byte[] key) {
        keystore().storeKey(thing, layer, mechanism, key);
    }

    @Override
    public Optional<DerivedKey> storedKey(ThingId thing, Layer layer, String mechanism) {
        return keystore().storedKey(thing, layer, mechanism);
    }

    @Override
    public boolean deleteStoredKey(ThingId thing, Layer layer, String mechanism) {
        return keystore().deleteStoredKey(thing, layer, mechanism);
    }

    @Override
    public boolean discardEnrollment(ThingId thing) {
        return keystore().discardEnrollment(thing);
    }

    @Override
    public Map<String, X509Certificate> trustAnchors() {
        return keystore().trustAnchors();
    }

    @Override
    public Map<String, X509Certificate> trustAnchors(TrustPurpose purpose) {
        return keystore().trustAnchors(purpose);
    }

    @Override
    public List<TrustAnchorEntry> trustAnchorEntries() {
        return keystore().trustAnchorEntries();
    }

    @Override
    public void addTrustAnchor(String alias, X509Certificate anchor, Set<TrustPurpose> purposes) {
        keystore().addTrustAnchor(alias, anchor, purposes);
    }

    @Override
    public boolean removeTrustAnchor(String alias) {
        return keystore().removeTrustAnchor(alias);
    }

    @Override
    public KeyMetadata metadata(ThingId thing) {
        return keystore().metadata(thing);
    }

    @Override
    public Optional<X509Certificate> rootCertificate(ThingId thing) {
        return keystore().rootCertificate(thing);
    }

    @Override
    public HubIdentity hubIdentity() {
        return keystore().hubIdentity();
    }

    @Override
    public String toString() {
        return "KeystoreComponent[" + keystore + "]";
    }
}
