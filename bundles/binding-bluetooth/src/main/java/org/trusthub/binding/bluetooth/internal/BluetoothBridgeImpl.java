package org.trusthub.binding.bluetooth.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.bluetooth.internal.BluetoothBridge;
import org.trusthub.binding.bluetooth.spi.Advertisement;
import org.trusthub.binding.bluetooth.spi.BleAdapter;
import org.trusthub.security.link.ble.BleAddress;
import org.trusthub.security.link.ble.BleLinkSecurity;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.BleSecurityException.Reason;

/**
 * The Bluetooth LE bridge: pairs and commissions peripherals, keeps their bonds in the keystore and recognises them
 * by their resolvable private addresses. Their values and commands go only through the thing model
 * ({@link BluetoothProperties}, over {@link GattSessions}); only operational things get encrypted sessions, and
 * {@link #release} closes them and, once the thing is decommissioned or its keys are gone, removes the bond.
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
    private static final String LEGACY_NOTE = "LEGACY pairing, allowed by configuration; its links claim no protection";

    @ObjectClassDefinition(name = "trusthub Bluetooth LE bridge")
    public @interface Config {
        @AttributeDefinition(description = "Allow legacy (non LE Secure Connections) pairing. Legacy pairing can "
                + "be eavesdropped, so a legacy bond's links claim no protection (mechanism ble-legacy): any "
                + "'protect' rule for bluetooth refuses their traffic. Leave false unless a device cannot do better.")
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

    private final ThingRegistry registry;
    private final BleAdapter adapter;
    private volatile boolean allowLegacy;
    private final BondStore bonds;
    private final SecureRandom random = new SecureRandom();
    private final Refusals refusals = new Refusals(() -> securityRefusals);
    private final BluetoothProperties properties;
    private final SecurityGate gate;
    private final GattSessions sessions;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    public BluetoothBridgeImpl(@Reference ThingKeyStore keystore, @Reference ThingRegistry registry,
            @Reference(name = "adapter") BleAdapter adapter, Config config, BundleContext context) {
        this.registry = registry;
        this.adapter = adapter;
        this.allowLegacy = config.allowLegacyPairing();
        this.bonds = new BondStore(keystore);
        // The model's side needs the sessions and they report to it: they reach it through the bridge.
        this.gate = new SecurityGate(() -> provider, () -> policy, refusals, this::unavailable);
        this.sessions = new GattSessions(keystore, registry, adapter, bonds, gate, refusals, this::release,
                this::published, random);
        this.properties = new BluetoothProperties(this, sessions, registry);
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
        sessions.closeAll();
    }

    /** The thing model's side of the bridge. */
    BluetoothProperties properties() {
        return properties;
    }

    private void unavailable(ThingId thing) {
        properties.unavailable(thing);
    }

    private void published(ThingId thing, double celsius, Origin origin) {
        properties.publish(thing, celsius, origin);
    }

    /** The things' GATT sessions, which the thing model's side reads and writes through. */
    GattSessions sessions() {
        return sessions;
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
        sessions.close(thing);
        Optional<LifecycleState> now = registry.find(thing).map(Thing::state);
        // a thing being paired is not bonded yet: only a bond the bridge holds is dropped
        if (bonds.isBonded(thing) && (now.isEmpty() || now.get() == LifecycleState.DECOMMISSIONED
                || !bonds.keysStillThere(thing))) {
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
                    result.secureConnections ? "LE Secure Connections" : LEGACY_NOTE,
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
            out.add(new BondInfo(t, BondStore.identityOf(t).orElse("?"), bonds.hasIrk(t), sessions.connected(t)));
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
                            : LEGACY_NOTE);
            return thing;
        } finally {
            result.wipe();
        }
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
