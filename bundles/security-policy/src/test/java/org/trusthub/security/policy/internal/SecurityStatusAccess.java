package org.trusthub.security.policy.internal;

import java.time.Clock;

import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingRegistry;

/** Wires the components as Declarative Services would, for the command tests in another package. */
public final class SecurityStatusAccess {

    private SecurityStatusAccess() {
    }

    public static RefusalLedger ledger(Clock clock) {
        return new RefusalLedger(clock);
    }

    public static void registry(RefusalLedger ledger, ThingRegistry registry) {
        ledger.registry = registry;
    }

    public static SecurityStatusComponent status(Clock clock, ThingRegistry registry, ThingKeyStore keyStore,
            SecurityPolicy policy, SecurityRefusals refusals) {
        SecurityStatusComponent s = new SecurityStatusComponent(clock);
        s.registry = registry;
        s.keyStore = keyStore;
        s.policy = policy;
        s.refusals = refusals;
        return s;
    }

    public static void add(SecurityStatusComponent status, ProtocolBinding binding) {
        status.addBinding(binding);
    }

    public static void add(SecurityStatusComponent status, SecurityProvider provider) {
        status.addProvider(provider);
    }
}
