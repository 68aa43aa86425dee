package org.trusthub.binding.bluetooth.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.EnumMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.bluetooth.Advertisement;
import org.trusthub.binding.bluetooth.BleAdapter;
import org.trusthub.binding.bluetooth.BluetoothBridge;
import org.trusthub.security.link.ble.BleAddress;
import org.trusthub.security.link.ble.BleLinkSecurity;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.L2capFrame;
import org.trusthub.security.link.ble.LinkCipher;

/**
 * The Bluetooth LE bridge: pairs and commissions peripherals, keeps their bonds in the keystore, recognises them by
 * their resolvable private addresses, and maps their temperature characteristic to the hub model. Only operational
 * things get encrypted sessions; leaving the operational state closes them, decommissioning removes the bond.
 */
@Component(service = { BluetoothBridge.class, EventHandler.class }, configurationPid = BluetoothBridgeImpl.PID,
        property = { EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.LIFECYCLE_ALL,
            EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.KEYSTORE_ALL })
@Designate(ocd = BluetoothBridgeImpl.Config.class)
public final class BluetoothBridgeImpl implements BluetoothBridge, ProtocolBinding, EventHandler {

    public static final String PID = "org.trusthub.binding.bluetooth";
    /** EventAdmin topic of a value that reached the hub model from a Bluetooth LE thing. */
    public static final String VALUE_TOPIC = "org/trusthub/binding/bluetooth/VALUE";
    private static final Logger LOG = LoggerFactory.getLogger(BluetoothBridgeImpl.class);

    @ObjectClassDefinition(name = "trusthub Bluetooth LE bridge")
    public @interface Config {
        @AttributeDefinition(description = "Allow legacy (non LE Secure Connections) pairing. Legacy Just Works "
                + "pairing can be eavesdropped; leave false unless a device cannot do better.")
        boolean allowLegacyPairing() default false;
    }

    private final ThingKeyStore keystore;
    private final ThingRegistry registry;
    private final BleLinkSecurity provider;
    private final BleAdapter adapter;
    private volatile boolean allowLegacy;
    private final BondStore bonds;
    private final SecureRandom random = new SecureRandom();
    private final Map<ThingId, CentralLink> links = new ConcurrentHashMap<>();
    private final Map<ThingId, Double> model = new ConcurrentHashMap<>();
    private final Map<BleSecurityException.Reason, AtomicLong> refusals = new EnumMap<>(
            BleSecurityException.Reason.class);
    private volatile EventAdmin events;
    private ServiceRegistration<ProtocolBinding> binding;

    @Activate
    public BluetoothBridgeImpl(@Reference ThingKeyStore keystore, @Reference ThingRegistry registry,
            @Reference BleLinkSecurity provider, @Reference(name = "adapter") BleAdapter adapter, Config config,
            BundleContext context) {
        this.keystore = keystore;
        this.registry = registry;
        this.provider = provider;
        this.adapter = adapter;
        this.allowLegacy = config.allowLegacyPairing();
        this.bonds = new BondStore(keystore);
        for (BleSecurityException.Reason r : BleSecurityException.Reason.values()) {
            refusals.put(r, new AtomicLong());
        }
        bonds.reload();
        if (context != null) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(ProtocolBinding.PROTOCOL, protocol());
            props.put(ProtocolBinding.SIMULATED, adapter.isSimulated());
            binding = context.registerService(ProtocolBinding.class, this, props);
        }
        LOG.info("Bluetooth LE bridge up on the {}{}: {} bonds in the keystore, legacy pairing {}", adapter.name(),
                adapter.isSimulated() ? " (SIMULATED)" : "", bonds.bonded().size(),
                allowLegacy ? "ALLOWED" : "refused");
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setEventAdmin(EventAdmin events) {
        this.events = events;
    }

    void unsetEventAdmin(EventAdmin events) {
        if (this.events == events) {
            this.events = null;
        }
    }

    /** A configuration change applies to the next pairing; bonds and open links stay (no restart of the bridge). */
    @Modified
    void modified(Config config) {
        if (allowLegacy != config.allowLegacyPairing()) {
            LOG.warn("Bluetooth LE legacy pairing is now {}", config.allowLegacyPairing() ? "ALLOWED" : "refused");
        }
        allowLegacy = config.allowLegacyPairing();
    }

    @Deactivate
    void deactivate() {
        if (binding != null) {
            binding.unregister();
        }
        links.values().forEach(CentralLink::close);
        links.clear();
    }

    @Override
    public String protocol() {
        return "bluetooth";
    }

    @Override
    public boolean isSimulated() {
        return adapter.isSimulated();
    }

    @Override
    public Set<ThingId> things() {
        return Set.copyOf(bonds.bonded());
    }

    @Override
    public void release(ThingId thing) {
        CentralLink link = links.remove(thing);
        if (link != null) {
            link.close();
        }
        provider.forget(thing);
    }

    @Override
    public List<Discovered> scan() {
        List<Discovered> out = new ArrayList<>();
        for (Advertisement a : adapter.scan()) {
            out.add(new Discovered(a, bonds.resolve(a.address())));
        }
        return out;
    }

    @Override
    public ThingId pair(String address, String owner) {
        BleAddress target = BleAddress.parse(address, true);
        if (adapter instanceof HostStackAdapter host) {
            return pairOnHost(host, target, owner);
        }
        PairingResult result;
        try (CentralLink link = new CentralLink(adapter.connect(target), random)) {
            result = new SmpInitiator(link, adapter.localAddress(), provider, random).pair(allowLegacy);
        } catch (BleSecurityException e) {
            refused(e, "pairing with " + target);
            throw e;
        }
        try {
            ThingId thing = BondStore.thingOf(result.identity);
            commission(thing, owner, result);
            LOG.info("Bluetooth LE thing {} paired ({}) and commissioned on the {}{}", thing,
                    result.secureConnections ? "LE Secure Connections" : "LEGACY pairing, allowed by configuration",
                    adapter.name(), adapter.isSimulated() ? " (SIMULATED)" : "");
            return thing;
        } finally {
            result.wipe();
        }
    }

    private void commission(ThingId thing, String owner, PairingResult bond) {
        Optional<Thing> known = registry.find(thing);
        byte[] root = new byte[32];
        random.nextBytes(root);
        RootCredential.Secret credential = RootCredential.secret(root);
        java.util.Arrays.fill(root, (byte) 0);
        try {
            if (known.isPresent() && known.get().state() != LifecycleState.DECOMMISSIONED) {
                throw new IllegalStateException(thing + " is already commissioned (" + known.get().state()
                        + "); remove it before pairing again");
            }
            if (known.isPresent()) {
                registry.recommission(thing, owner, credential);
            } else {
                registry.enroll(thing, owner, credential);
                registry.transition(thing, Transition.BOOTSTRAP);
            }
            try {
                bonds.store(thing, bond);
                registry.transition(thing, Transition.ACTIVATE);
            } catch (RuntimeException e) {
                bonds.remove(thing);
                registry.transition(thing, Transition.DECOMMISSION);
                throw e;
            }
        } finally {
            credential.destroy();
        }
    }

    @Override
    public List<BondInfo> bonds() {
        List<BondInfo> out = new ArrayList<>();
        for (ThingId t : bonds.bonded()) {
            out.add(new BondInfo(t, BondStore.identityOf(t).orElse("?"), bonds.hasIrk(t), links.containsKey(t)));
        }
        return out;
    }

    @Override
    public void remove(ThingId thing) {
        Optional<Thing> known = registry.find(thing);
        if (known.isEmpty() && !bonds.isBonded(thing)) {
            throw new IllegalArgumentException("no Bluetooth LE thing " + thing);
        }
        release(thing);
        bonds.remove(thing);
        forgetOnHost(thing);
        if (known.isPresent() && known.get().state() != LifecycleState.DECOMMISSIONED) {
            registry.transition(thing, Transition.DECOMMISSION);
        }
        model.remove(thing);
        LOG.info("Bluetooth LE bond of {} removed; the thing is decommissioned", thing);
    }

    @Override
    public double readTemperature(ThingId thing) {
        if (adapter instanceof HostStackAdapter host) {
            double value = Gatt.temperature(host.read(hostIdentity(thing), HostStackAdapter.TEMPERATURE_UUID));
            updateModel(thing, value);
            return value;
        }
        AttPdu rsp = att(thing, AttPdu.readRequest(Gatt.TEMPERATURE));
        double value = Gatt.temperature(rsp.value());
        updateModel(thing, value);
        return value;
    }

    @Override
    public void writeInterval(ThingId thing, int seconds) {
        if (seconds < 1 || seconds > 0xFFFF) {
            throw new IllegalArgumentException("the interval is 1 to 65535 seconds");
        }
        if (adapter instanceof HostStackAdapter host) {
            host.write(hostIdentity(thing), HostStackAdapter.INTERVAL_UUID, Gatt.uint16(seconds));
            return;
        }
        att(thing, AttPdu.writeRequest(Gatt.INTERVAL, Gatt.uint16(seconds)));
    }

    @Override
    public void subscribe(ThingId thing) {
        if (adapter instanceof HostStackAdapter host) {
            subscribeOnHost(host, thing);
            return;
        }
        att(thing, AttPdu.writeRequest(Gatt.TEMPERATURE_CCCD, Gatt.uint16(1)));
    }

    @Override
    public Optional<Double> lastTemperature(ThingId thing) {
        return Optional.ofNullable(model.get(thing));
    }

    /** Refusals by reason, the provider's link-layer ones and the bridge's pairing ones together. */
    public Map<String, Long> refusals() {
        Map<String, Long> out = new TreeMap<>();
        provider.refusals().forEach((r, n) -> out.merge(r.name(), n, Long::sum));
        refusals.forEach((r, n) -> out.merge(r.name(), n.get(), Long::sum));
        return out;
    }

    private AttPdu att(ThingId thing, AttPdu request) {
        CentralLink link = link(thing);
        for (L2capFrame f : link.request(L2capFrame.CID_ATT, request.encode())) {
            if (f.cid() != L2capFrame.CID_ATT) {
                continue;
            }
            AttPdu rsp = AttPdu.parse(f.payload());
            if (rsp.opcode() == AttPdu.ERROR_RSP) {
                throw new IllegalStateException("the peripheral refused the request: ATT error 0x"
                        + Integer.toHexString(rsp.errorCode()));
            }
            return rsp;
        }
        throw new IllegalStateException("no ATT response from " + thing);
    }

    /** The thing's encrypted connection: kept open, or made by finding its current private address. */
    private CentralLink link(ThingId thing) {
        Thing t = registry.find(thing).orElseThrow(() -> new IllegalArgumentException("no thing " + thing));
        if (t.state() != LifecycleState.OPERATIONAL) {
            throw new IllegalStateException(thing + " is " + t.state() + "; only operational things get sessions");
        }
        CentralLink open = links.get(thing);
        if (open != null && open.air().isOpen() && open.isEncrypted()) {
            return open;
        }
        if (!bonds.isBonded(thing)) {
            refusals.get(BleSecurityException.Reason.UNKNOWN_KEY).incrementAndGet();
            throw new BleSecurityException(BleSecurityException.Reason.UNKNOWN_KEY, thing + " has no bond");
        }
        BleAddress address = adapter.scan().stream().map(Advertisement::address)
                .filter(a -> bonds.resolve(a).filter(thing::equals).isPresent()).findFirst()
                .orElseThrow(() -> new IllegalStateException(thing + " is not advertising (no address resolves "
                        + "with its IRK)"));
        CentralLink link = new CentralLink(adapter.connect(address), random);
        try {
            link.startEncryption(start -> provider.open(thing, LinkCipher.Role.CENTRAL, start), new byte[8], 0);
        } catch (BleSecurityException e) {
            link.close();
            refused(e, "encryption with " + thing);
            throw e;
        }
        link.onUnsolicited(frame -> onNotification(thing, frame),
                e -> LOG.warn("Bluetooth LE frame from {} refused: {}", thing, e.getMessage()));
        CentralLink previous = links.put(thing, link);
        if (previous != null) {
            previous.close();
        }
        return link;
    }

    private void onNotification(ThingId thing, L2capFrame frame) {
        if (frame.cid() != L2capFrame.CID_ATT) {
            return;
        }
        try {
            AttPdu pdu = AttPdu.parse(frame.payload());
            if (pdu.opcode() == AttPdu.NOTIFY && pdu.handle() == Gatt.TEMPERATURE) {
                updateModel(thing, Gatt.temperature(pdu.value()));
            }
        } catch (BleSecurityException e) {
            refused(e, "notification from " + thing);
        }
    }

    private void updateModel(ThingId thing, double value) {
        model.put(thing, value);
        EventAdmin ea = events;
        if (ea != null) {
            Map<String, Object> props = new java.util.HashMap<>();
            props.put(TrustHubEvents.THING, thing.value());
            props.put("property", "temperature");
            props.put("value", value);
            props.put(ProtocolBinding.SIMULATED, adapter.isSimulated());
            ea.postEvent(new Event(VALUE_TOPIC, props));
        }
    }

    private void refused(BleSecurityException e, String what) {
        refusals.get(e.reason()).incrementAndGet();
        LOG.warn("Bluetooth LE {} refused ({}): {}", what, e.reason(), e.getMessage());
    }

    @Override
    public void handleEvent(Event event) {
        Object id = event.getProperty(TrustHubEvents.THING);
        if (!(id instanceof String text) || !text.startsWith(BondStore.PREFIX) || !ThingId.isValid(text)) {
            return;
        }
        ThingId thing = ThingId.of(text);
        String topic = event.getTopic();
        // events arrive asynchronously: act on the thing's state now, not on the state the event reports, so a
        // late event of an earlier life never removes the bond of a re-paired thing
        if (topic.startsWith(TrustHubEvents.LIFECYCLE_TOPIC_PREFIX)) {
            Optional<LifecycleState> now = registry.find(thing).map(Thing::state);
            if (now.isEmpty() || now.get() != LifecycleState.OPERATIONAL) {
                release(thing);
            }
            if (now.isPresent() && now.get() == LifecycleState.DECOMMISSIONED) {
                bonds.remove(thing);
                forgetOnHost(thing);
                model.remove(thing);
            }
        } else if (topic.equals(TrustHubEvents.KEYS_REVOKED) || topic.equals(TrustHubEvents.KEYS_ROTATED)) {
            if (!stillBonded(thing)) {
                // revocation and rotation destroy stored keys: the bond is gone and the thing must pair again
                release(thing);
                bonds.remove(thing);
                forgetOnHost(thing);
            }
        }
    }

    private boolean stillBonded(ThingId thing) {
        try {
            return keystore.isActive(thing)
                    && keystore.storedKey(thing, org.trusthub.api.keystore.Layer.LINK, BleLinkSecurity.LTK).isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Pairing through a host stack (BlueZ): it runs SMP itself, the bridge applies the same policy to what it reports
     * and keeps the bond's keys in the keystore. A bond the hub refuses is removed from the host stack again, so no
     * bond exists outside the keystore.
     */
    private ThingId pairOnHost(HostStackAdapter host, BleAddress target, String owner) {
        PairingResult result = host.pair(target);
        try {
            ThingId thing = BondStore.thingOf(result.identity);
            if (!result.secureConnections && !allowLegacy) {
                host.remove(result.identity);
                BleSecurityException e = new BleSecurityException(BleSecurityException.Reason.LEGACY_REFUSED,
                        "the host stack paired with " + target + " without LE Secure Connections; refused because "
                                + "allowLegacyPairing is false (the device was removed from the host stack)");
                refused(e, "pairing with " + target);
                throw e;
            }
            Optional<Thing> known = registry.find(thing);
            if (known.isPresent() && known.get().state() != LifecycleState.DECOMMISSIONED) {
                throw new IllegalStateException(thing + " is already commissioned (" + known.get().state()
                        + "); remove it before pairing again");
            }
            try {
                commission(thing, owner, result);
            } catch (RuntimeException e) {
                host.remove(result.identity);
                throw e;
            }
            LOG.info("Bluetooth LE thing {} paired by the {} ({}), bond imported into the keystore, commissioned",
                    thing, adapter.name(), result.secureConnections ? "LE Secure Connections"
                            : "LEGACY pairing, allowed by configuration");
            return thing;
        } finally {
            result.wipe();
        }
    }

    /** The identity address of an operational, bonded thing, for the host stack. */
    private BleAddress hostIdentity(ThingId thing) {
        Thing t = registry.find(thing).orElseThrow(() -> new IllegalArgumentException("no thing " + thing));
        if (t.state() != LifecycleState.OPERATIONAL) {
            throw new IllegalStateException(thing + " is " + t.state() + "; only operational things get sessions");
        }
        if (!bonds.isBonded(thing)) {
            refusals.get(BleSecurityException.Reason.UNKNOWN_KEY).incrementAndGet();
            throw new BleSecurityException(BleSecurityException.Reason.UNKNOWN_KEY, thing + " has no bond");
        }
        return BleAddress.parse(BondStore.identityOf(thing).orElseThrow(), false);
    }

    private void subscribeOnHost(HostStackAdapter host, ThingId thing) {
        host.subscribe(hostIdentity(thing), HostStackAdapter.TEMPERATURE_UUID, value -> {
            Optional<LifecycleState> now = registry.find(thing).map(Thing::state);
            if (now.isEmpty() || now.get() != LifecycleState.OPERATIONAL) {
                return;
            }
            try {
                updateModel(thing, Gatt.temperature(value));
            } catch (BleSecurityException e) {
                refused(e, "notification from " + thing);
            }
        });
    }

    /** Removes the thing's bond from a host stack (BlueZ) too, so it cannot reconnect encrypted. */
    private void forgetOnHost(ThingId thing) {
        if (adapter instanceof HostStackAdapter host) {
            BondStore.identityOf(thing).ifPresent(a -> {
                try {
                    if (host.remove(BleAddress.parse(a, false))) {
                        LOG.info("Bluetooth LE bond of {} removed from the {}", thing, adapter.name());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Bluetooth LE bond of {} could not be removed from the {}: {}", thing, adapter.name(),
                            e.getMessage());
                }
            });
        }
    }

    @Override
    public String toString() {
        return "BluetoothBridge[" + adapter.name() + ", " + bonds.bonded().size() + " bonds]";
    }

}
