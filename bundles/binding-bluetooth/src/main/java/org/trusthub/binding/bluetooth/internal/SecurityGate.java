package org.trusthub.binding.bluetooth.internal;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.link.ble.BleLinkSecurity;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.BleSecurityException.Reason;

/**
 * What the bridge lets through: the link security provider in use (none while it is being replaced), and whether
 * the protection a value came with, or a write would go with, meets the security policy's requirement for the
 * thing. Fails closed: without a provider or a policy nothing passes.
 */
final class SecurityGate {

    private final Supplier<BleLinkSecurity> provider;
    private final Supplier<SecurityPolicy> policy;
    private final Refusals refusals;
    private final Consumer<ThingId> belowInbound;

    /**
     * @param belowInbound told of a thing whose value was refused for the policy, so what it sent before is no
     *                     longer served as good
     */
    SecurityGate(Supplier<BleLinkSecurity> provider, Supplier<SecurityPolicy> policy, Refusals refusals,
            Consumer<ThingId> belowInbound) {
        this.provider = provider;
        this.policy = policy;
        this.refusals = refusals;
        this.belowInbound = belowInbound;
    }

    /**
     * The provider registered now.
     *
     * @throws BleSecurityException {@code PROVIDER_ABSENT} while there is none (counted)
     */
    BleLinkSecurity provider(Optional<ThingId> thing, String what) {
        BleLinkSecurity p = provider.get();
        if (p == null) {
            throw refusals.refused(thing, Reason.PROVIDER_ABSENT, "the Bluetooth LE link security provider is "
                    + "absent; refused until it is back", what);
        }
        return p;
    }

    /**
     * Lets a value from the thing ({@code inbound}) or a write to it through, or refuses it (counted).
     *
     * @throws BleSecurityException {@code POLICY} if the protection is below the policy's requirement,
     *         {@code PROVIDER_ABSENT} while the provider or the policy is absent
     */
    void admit(Authenticated by, boolean inbound) {
        ThingId thing = by.thing();
        String what = (inbound ? "value from " : "write to ") + thing;
        provider(Optional.of(thing), what);
        SecurityPolicy p = policy.get();
        if (p == null) {
            throw refusals.refused(Optional.of(thing), Reason.PROVIDER_ABSENT, "no security policy is registered; "
                    + "Bluetooth LE traffic is refused until one is", what);
        }
        String protocol = BluetoothBridgeImpl.PROTOCOL;
        Protection required = inbound ? p.inbound(thing, protocol) : p.outbound(thing, protocol);
        if (!by.protection().satisfies(required)) {
            if (inbound) {
                belowInbound.accept(thing);
            }
            throw refusals.refused(Optional.of(thing), Reason.POLICY, "the security policy requires " + required
                    + (inbound ? " on what " + thing + " sends" : " on what the hub sends " + thing)
                    + " over bluetooth; its link gives " + by.protection() + " (" + by.mechanism() + ")", what);
        }
    }
}
