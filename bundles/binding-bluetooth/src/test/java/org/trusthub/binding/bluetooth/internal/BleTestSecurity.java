package org.trusthub.binding.bluetooth.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.security.link.ble.BleLinkSecurity;
import org.trusthub.security.link.ble.internal.BleLinkSecurityProvider;

/**
 * What the hub gives the bridge at run time, for tests: a policy whose Bluetooth requirement a test sets, a refusal
 * count that keeps what it is told, and the lifecycle dispatcher's calls. Shared with the simulator's tests through
 * the test jar.
 */
public final class BleTestSecurity {

    private BleTestSecurity() {
    }

    /** Requires what the test sets, of every thing, on Bluetooth; authorizes nothing. */
    public static final class Policy implements SecurityPolicy {
        public volatile Protection inbound = Protection.NONE;
        public volatile Protection outbound = Protection.NONE;

        @Override
        public Protection inbound(ThingId thing, String protocol) {
            return "bluetooth".equals(protocol) ? inbound : Protection.NONE;
        }

        @Override
        public Protection outbound(ThingId thing, String protocol) {
            return "bluetooth".equals(protocol) ? outbound : Protection.NONE;
        }

        @Override
        public boolean mayRead(ThingId caller, ThingId target, String property) {
            return caller.equals(target);
        }

        @Override
        public boolean mayWrite(ThingId caller, ThingId target, String property) {
            return false;
        }

        @Override
        public boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes) {
            return false;
        }

        @Override
        public boolean mayPair(ThingId thing, ThingId peer) {
            return false;
        }
    }

    /** One reported refusal. */
    public record Refusal(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
    }

    /** Keeps every refusal reported, in order. */
    public static final class Refusals implements SecurityRefusals {
        public final List<Refusal> seen = new CopyOnWriteArrayList<>();

        @Override
        public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
            seen.add(new Refusal(thing, layer, mechanism, reason));
        }

        /** How many refusals of a reason were reported (by the bridge and the provider together). */
        public long count(RefusalReason reason) {
            return seen.stream().filter(r -> r.reason() == reason).count();
        }

        @Override
        public List<RefusalCount> counts() {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public List<RefusalCount> counts(ThingId thing) {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public void clear(ThingId thing) {
            seen.removeIf(r -> r.thing().equals(Optional.of(thing)));
        }
    }

    /** The bridge's configuration. */
    public static BluetoothBridgeImpl.Config config(boolean allowLegacy) {
        return new BluetoothBridgeImpl.Config() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return BluetoothBridgeImpl.Config.class;
            }

            @Override
            public boolean allowLegacyPairing() {
                return allowLegacy;
            }
        };
    }

    /** Gives the bridge the provider, the policy and the refusal count, as Declarative Services would. */
    public static void wire(BluetoothBridgeImpl bridge, BleLinkSecurityProvider provider, Policy policy,
            Refusals refusals) {
        provider.bindRefusals(refusals);
        bridge.provider = provider;
        bridge.policy = policy;
        bridge.securityRefusals = refusals;
    }

    /**
     * What the lifecycle dispatcher does on a lifecycle or keystore event: a thing no longer operational (or whose
     * keys were revoked) is released by the bridge and forgotten by the provider, at its state now.
     */
    public static void dispatch(ThingRegistry registry, BluetoothBridgeImpl bridge, BleLinkSecurity provider,
            String topic, Map<String, ?> properties) {
        if (bridge == null || !(properties.get(TrustHubEvents.THING) instanceof String id) || !ThingId.isValid(id)) {
            return;
        }
        ThingId thing = ThingId.of(id);
        boolean operational = registry.find(thing).map(Thing::state).filter(s -> s == LifecycleState.OPERATIONAL)
                .isPresent();
        if (!operational || TrustHubEvents.KEYS_REVOKED.equals(topic)) {
            bridge.release(thing);
            provider.forget(thing);
        } else if (TrustHubEvents.KEYS_ROTATED.equals(topic)) {
            provider.forget(thing);
        }
    }
}
