package org.trusthub.binding.bluetooth.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.bluetooth.internal.BluetoothBridge;
import org.trusthub.binding.bluetooth.spi.Advertisement;
import org.trusthub.binding.bluetooth.spi.AttPdu;
import org.trusthub.binding.bluetooth.spi.BleAdapter;
import org.trusthub.binding.bluetooth.spi.Gatt;
import org.trusthub.security.link.ble.BleAddress;
import org.trusthub.security.link.ble.BleLinkSecurity;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.BleSecurityException.Reason;
import org.trusthub.security.link.ble.L2capFrame;
import org.trusthub.security.link.ble.LinkCipher;

/**
 * The Bluetooth LE bridge: pairs and commissions peripherals, keeps their bonds in the keystore, recognises them by
 * their resolvable private addresses, and carries their GATT values to and from the hub model
 * ({@link BluetoothProperties}). Only operational things get encrypted sessions; {@link #release} closes them and,
 * once the thing is decommissioned or its keys are gone, removes the bond.
 *
 * <p>
 * The link security provider, the security policy and the refusal count are reached through dynamic references:
 * while the provider or the policy is absent every pairing and every value is refused (counted, logged at a bounded
 * rate), and the next one registered is used at once, with no restart of the bridge or its adapter.
 */
@Component(service = BluetoothBridge.class, configurationPid = BluetoothBridgeImpl.PID)
@Designate(ocd = BluetoothBridgeImpl.Config.class)
public final class BluetoothBridgeImpl implements BluetoothBridge, ProtocolBinding {

    public static final String PID = "org.trusthub.binding.bluetooth";
    /** The protocol name, as the security policy's rules name it. */
    public static final String PROTOCOL = "bluetooth";
    private static final Logger LOG = LoggerFactory.getLogger(BluetoothBridgeImpl.class);

    @ObjectClassDefinition(name = "trusthub Bluetooth LE bridge")
    public @interface Config {
        @AttributeDefinition(description = "Allow legacy (non LE Secure Connections) pairing. Legacy Just Works "
                + "pairing can be eavesdropped; leave false unless a device cannot do better.")
        boolean allowLegacyPairing() default false;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile BleLinkSecurity provider;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityPolicy policy;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityRefusals securityRefusals;

    private final ThingKeyStore keystore;
    private final ThingRegistry registry;
    private final BleAdapter adapter;
    private volatile boolean allowLegacy;
    private final BondStore bonds;
    private final SecureRandom random = new SecureRandom();
    private final Map<ThingId, CentralLink> links = new ConcurrentHashMap<>();
    private final Set<ThingId> subscribed = ConcurrentHashMap.newKeySet();
    private final Refusals refusals = new Refusals(() -> securityRefusals);
    private final BluetoothProperties properties;
    private final SecurityGate gate;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    public BluetoothBridgeImpl(@Reference ThingKeyStore keystore, @Reference ThingRegistry registry,
            @Reference(name = "adapter") BleAdapter adapter, Config config, BundleContext context) {
        this.keystore = keystore;
        this.registry = registry;
        this.adapter = adapter;
        this.allowLegacy = config.allowLegacyPairing();
        this.bonds = new BondStore(keystore);
        this.properties = new BluetoothProperties(this, registry);
        this.gate = new SecurityGate(() -> provider, () -> policy, refusals, properties::unavailable);
        bonds.reload();
        if (context != null) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(ProtocolBinding.PROTOCOL, protocol());
            props.put(ProtocolBinding.SIMULATED, adapter.isSimulated());
            registrations.add(context.registerService(ProtocolBinding.class, this, props));
            registrations.add(context.registerService(new String[] { PropertyProvider.class.getName(),
                BluetoothProperties.class.getName() }, properties, props));
        }
        LOG.info("Bluetooth LE bridge up on the {}{}: {} bonds in the keystore, legacy pairing {}", adapter.name(),
                adapter.isSimulated() ? " (SIMULATED)" : "", bonds.bonded().size(),
                allowLegacy ? "ALLOWED" : "refused");
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
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
        properties.close();
        links.values().forEach(CentralLink::close);
        links.clear();
    }

    /** The thing model's side of the bridge. */
    BluetoothProperties properties() {
        return properties;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public boolean isSimulated() {
        return adapter.isSimulated();
    }

    @Override
    public Set<ThingId> things() {
        return Set.copyOf(bonds.bonded());
    }

    /**
     * Closes the thing's link and takes it out of service in the model. Once the thing is decommissioned (or no
     * longer known), or its bond's LTK is gone from the keystore (revoked or rotated), the bond goes too, from the
     * index and from a host stack, so the thing must pair again. Idempotent; safe for a thing the bridge never knew.
     */
    @Override
    public void release(ThingId thing) {
        CentralLink link = links.remove(thing);
        if (link != null) {
            link.close();
        }
        subscribed.remove(thing);
        Optional<LifecycleState> now = registry.find(thing).map(Thing::state);
        // a thing being paired is not bonded yet: only a bond the bridge holds is dropped
        if (bonds.isBonded(thing) && (now.isEmpty() || now.get() == LifecycleState.DECOMMISSIONED
                || !stillBonded(thing))) {
            bonds.remove(thing);
            forgetOnHost(thing);
            properties.forget(thing);
            LOG.info("Bluetooth LE bond of {} dropped: the thing must pair again", thing);
        } else if (now.isPresent() && now.get() != LifecycleState.OPERATIONAL) {
            properties.unavailable(thing);
        }
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
        BleLinkSecurity security = gate.provider(Optional.empty(), "pairing with " + target);
        if (adapter instanceof HostStackAdapter host) {
            return pairOnHost(host, target, owner);
        }
        PairingResult result;
        try (CentralLink link = new CentralLink(adapter.connect(target), random)) {
            result = new SmpInitiator(link, adapter.localAddress(), security, random).pair(allowLegacy);
        } catch (BleSecurityException e) {
            throw refusals.refused(Optional.empty(), e, "pairing with " + target);
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
        properties.describe(thing);
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
        if (known.isPresent() && known.get().state() != LifecycleState.DECOMMISSIONED) {
            registry.transition(thing, Transition.DECOMMISSION);
        }
        release(thing);
        bonds.remove(thing);
        forgetOnHost(thing);
        LOG.info("Bluetooth LE bond of {} removed; the thing is decommissioned", thing);
    }

    boolean isBonded(ThingId thing) {
        return bonds.isBonded(thing);
    }

    /** Reads the thing's temperature over its encrypted link; the value reaches the model before it is returned. */
    double readTemperature(ThingId thing) {
        if (adapter instanceof HostStackAdapter host) {
            byte[] value = host.read(hostIdentity(thing), HostStackAdapter.TEMPERATURE_UUID);
            return accept(hostAuthenticated(thing), value, Origin.READ);
        }
        CentralLink link = link(thing);
        AttPdu rsp = att(thing, link, AttPdu.readRequest(Gatt.TEMPERATURE));
        return accept(authenticated(thing, link), rsp.value(), Origin.READ);
    }

    /** Writes the measurement interval, once the policy's outbound requirement is met by the link. */
    void writeInterval(ThingId thing, int seconds) {
        if (seconds < 1 || seconds > 0xFFFF) {
            throw new IllegalArgumentException("the interval is 1 to 65535 seconds");
        }
        if (adapter instanceof HostStackAdapter host) {
            BleAddress identity = hostIdentity(thing);
            gate.admit(hostAuthenticated(thing), false);
            host.write(identity, HostStackAdapter.INTERVAL_UUID, Gatt.uint16(seconds));
            return;
        }
        CentralLink link = link(thing);
        gate.admit(authenticated(thing, link), false);
        att(thing, link, AttPdu.writeRequest(Gatt.INTERVAL, Gatt.uint16(seconds)));
    }

    /** Subscribes to the thing's temperature notifications, once per link. */
    void subscribe(ThingId thing) {
        if (adapter instanceof HostStackAdapter host) {
            if (subscribed.add(thing)) {
                subscribeOnHost(host, thing);
            }
            return;
        }
        CentralLink link = link(thing);
        if (subscribed.add(thing)) {
            att(thing, link, AttPdu.writeRequest(Gatt.TEMPERATURE_CCCD, Gatt.uint16(1)));
        }
    }

    /**
     * The inbound path of every value: who sent it and how well protected ({@link Authenticated}), checked against
     * the policy's requirement for the thing, then parsed and handed to the model.
     *
     * @throws BleSecurityException {@code POLICY} if the link gives less than the thing must have,
     *         {@code PROVIDER_ABSENT} while the provider or the policy is absent, {@code MALFORMED} for a bad value
     */
    private double accept(Authenticated by, byte[] value, Origin origin) {
        gate.admit(by, true);
        double celsius;
        try {
            celsius = Gatt.temperature(value);
        } catch (BleSecurityException e) {
            throw refusals.refused(Optional.of(by.thing()), e, "value from " + by.thing());
        }
        properties.publish(by.thing(), celsius, origin);
        return celsius;
    }

    private static Authenticated authenticated(ThingId thing, CentralLink link) {
        return BleLinkSecurity.authenticated(thing, link.session());
    }

    /** A host stack encrypts the link itself, with the bond's LTK kept in the keystore: the same protection. */
    private static Authenticated hostAuthenticated(ThingId thing) {
        return new Authenticated(thing, Layer.LINK, BleLinkSecurity.NAME, Protection.confidentiality(), "host");
    }

    private AttPdu att(ThingId thing, CentralLink link, AttPdu request) {
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
        operationalAndBonded(thing);
        CentralLink open = links.get(thing);
        if (open != null && open.air().isOpen() && open.isEncrypted()) {
            return open;
        }
        keysStillThere(thing);
        BleLinkSecurity security = gate.provider(Optional.of(thing), "encryption with " + thing);
        BleAddress address = adapter.scan().stream().map(Advertisement::address)
                .filter(a -> bonds.resolve(a).filter(thing::equals).isPresent()).findFirst()
                .orElseThrow(() -> new IllegalStateException(thing + " is not advertising (no address resolves "
                        + "with its IRK)"));
        CentralLink link = new CentralLink(adapter.connect(address), random);
        try {
            link.startEncryption(start -> security.open(thing, LinkCipher.Role.CENTRAL, start), new byte[8], 0);
        } catch (BleSecurityException e) {
            link.close();
            throw refusals.refused(Optional.of(thing), e, "encryption with " + thing);
        }
        link.onUnsolicited(frame -> onNotification(thing, link, frame),
                e -> refusals.refused(Optional.of(thing), e, "frame from " + thing));
        CentralLink previous = links.put(thing, link);
        subscribed.remove(thing);
        if (previous != null) {
            previous.close();
        }
        // A release while the link was being made found nothing to close: now that it is in the map, a release from
        // here on closes it, and one that ran before shows in the state read after.
        if (!operationalWithKeys(thing)) {
            links.remove(thing, link);
            link.close();
            throw new IllegalStateException(thing + " left OPERATIONAL (or lost its keys) while its link was made");
        }
        return link;
    }

    private boolean operationalWithKeys(ThingId thing) {
        try {
            return registry.find(thing).map(Thing::state).filter(s -> s == LifecycleState.OPERATIONAL).isPresent()
                    && keystore.isActive(thing);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void onNotification(ThingId thing, CentralLink link, L2capFrame frame) {
        if (frame.cid() != L2capFrame.CID_ATT) {
            return;
        }
        try {
            AttPdu pdu = AttPdu.parse(frame.payload());
            if (pdu.opcode() == AttPdu.NOTIFY && pdu.handle() == Gatt.TEMPERATURE) {
                accept(authenticated(thing, link), pdu.value(), Origin.REPORT);
            }
        } catch (BleSecurityException e) {
            refusals.refused(Optional.of(thing), e, "notification from " + thing);
        }
    }

    /** Only an operational thing with a bond gets a session. */
    private void operationalAndBonded(ThingId thing) {
        Thing t = registry.find(thing).orElseThrow(() -> new IllegalArgumentException("no thing " + thing));
        if (t.state() != LifecycleState.OPERATIONAL) {
            throw new IllegalStateException(thing + " is " + t.state() + "; only operational things get sessions");
        }
        if (!bonds.isBonded(thing)) {
            throw refusals.refused(Optional.of(thing), Reason.UNKNOWN_KEY, thing + " has no bond",
                    "session with " + thing);
        }
    }

    /**
     * A rotation of the thing's LINK keys destroys the stored LTK (the dispatcher then only tells the provider): the
     * bond is dropped at the next connection, so the thing must pair again.
     */
    private void keysStillThere(ThingId thing) {
        if (!stillBonded(thing)) {
            release(thing);
            throw refusals.refused(Optional.of(thing), Reason.UNKNOWN_KEY, thing + " has no bond any more (its "
                    + "keys were rotated or revoked); pair it again", "session with " + thing);
        }
    }

    private boolean stillBonded(ThingId thing) {
        try {
            return keystore.isActive(thing) && keystore.storedKey(thing, Layer.LINK, BleLinkSecurity.LTK).isPresent();
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
                throw refusals.refused(Optional.of(thing), Reason.LEGACY_REFUSED, "the host stack paired with "
                        + target + " without LE Secure Connections; refused because allowLegacyPairing is false "
                        + "(the device was removed from the host stack)", "pairing with " + target);
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
        operationalAndBonded(thing);
        keysStillThere(thing);
        return BleAddress.parse(BondStore.identityOf(thing).orElseThrow(), false);
    }

    private void subscribeOnHost(HostStackAdapter host, ThingId thing) {
        host.subscribe(hostIdentity(thing), HostStackAdapter.TEMPERATURE_UUID, value -> {
            Optional<LifecycleState> now = registry.find(thing).map(Thing::state);
            if (now.isEmpty() || now.get() != LifecycleState.OPERATIONAL) {
                return;
            }
            try {
                accept(hostAuthenticated(thing), value, Origin.REPORT);
            } catch (BleSecurityException e) {
                // counted and logged by accept
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
