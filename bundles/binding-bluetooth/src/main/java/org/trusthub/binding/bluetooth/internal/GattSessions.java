package org.trusthub.binding.bluetooth.internal;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.model.Origin;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
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
 * The bonded things' encrypted GATT sessions, the thing model's way to their values ({@link BluetoothProperties} is
 * the only caller): links kept open per thing, reads, writes and notifications, each value admitted by the inbound
 * path (who sent it, how well protected, checked against the policy) before the model gets it. Only an operational
 * thing with a bond gets a session; through a host stack (BlueZ) the same checks apply and the stack keeps the link.
 */
final class GattSessions {

    /** Where an accepted temperature goes: the thing model. */
    @FunctionalInterface
    interface Published {
        void published(ThingId thing, double celsius, Origin origin);
    }

    private final ThingKeyStore keystore;
    private final ThingRegistry registry;
    private final BleAdapter adapter;
    private final BondStore bonds;
    private final SecurityGate gate;
    private final Refusals refusals;
    private final Consumer<ThingId> release;
    private final Published published;
    private final SecureRandom random;
    private final Map<ThingId, CentralLink> links = new ConcurrentHashMap<>();
    private final Set<ThingId> subscribed = ConcurrentHashMap.newKeySet();

    /**
     * @param release the bridge's release, for a thing found without its bond's keys when a session is made
     */
    GattSessions(ThingKeyStore keystore, ThingRegistry registry, BleAdapter adapter, BondStore bonds,
            SecurityGate gate, Refusals refusals, Consumer<ThingId> release, Published published,
            SecureRandom random) {
        this.keystore = keystore;
        this.registry = registry;
        this.adapter = adapter;
        this.bonds = bonds;
        this.gate = gate;
        this.refusals = refusals;
        this.release = release;
        this.published = published;
        this.random = random;
    }

    /** Closes the thing's link; the next read makes a new one. Safe for a thing without a link. */
    void close(ThingId thing) {
        CentralLink link = links.remove(thing);
        if (link != null) {
            link.close();
        }
        subscribed.remove(thing);
    }

    void closeAll() {
        links.values().forEach(CentralLink::close);
        links.clear();
    }

    boolean connected(ThingId thing) {
        return links.containsKey(thing);
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
        published.published(by.thing(), celsius, origin);
        return celsius;
    }

    private static Authenticated authenticated(ThingId thing, CentralLink link) {
        return BleLinkSecurity.authenticated(thing, link.session());
    }

    /**
     * A host stack encrypts the link itself, with the bond's LTK kept in the keystore: the protection that bond
     * gives, none for a legacy one.
     */
    private Authenticated hostAuthenticated(ThingId thing) {
        return BleLinkSecurity.authenticated(thing, bonds.isLegacy(thing), "host");
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
        if (!bonds.keysStillThere(thing)) {
            release.accept(thing);
            throw refusals.refused(Optional.of(thing), Reason.UNKNOWN_KEY, thing + " has no bond any more (its "
                    + "keys were rotated or revoked); pair it again", "session with " + thing);
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
}
