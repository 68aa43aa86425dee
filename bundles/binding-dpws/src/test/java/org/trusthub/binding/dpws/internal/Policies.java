package org.trusthub.binding.dpws.internal;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurity;

/**
 * A security policy for binding tests: requires what a rule says of each thing, both ways, and grants every read and
 * write (unauthenticated reads included) unless a test takes grants away. Also builds the {@link MessageSecurity} a
 * test stack runs with, and records
 * the refusals the binding reports.
 */
public final class Policies implements SecurityPolicy {

    private final Function<ThingId, Protection> rule;
    public volatile boolean grants = true;
    /** The properties a request that names no thing may read; "*" for every one. */
    public volatile Set<String> anonymousReads = Set.of("*");
    final List<String> asked = new CopyOnWriteArrayList<>();

    public Policies(Function<ThingId, Protection> rule) {
        this.rule = rule;
    }

    /** Requires nothing of anyone and grants everything. */
    public static Policies none() {
        return new Policies(t -> Protection.NONE);
    }

    /** Requires integrity, end to end, of every thing. */
    public static Policies signed() {
        return new Policies(t -> Protection.integrity().endToEnd());
    }

    /** A stack without a WS-Security provider, under a policy that requires nothing. */
    public static MessageSecurity plain() {
        return new MessageSecurity(() -> null, Policies::none, () -> null);
    }

    /** With this provider, under a policy that requires nothing (the provider may add what it likes). */
    public static MessageSecurity with(Supplier<SoapSecurity> provider) {
        Policies p = none();
        return new MessageSecurity(provider, () -> p, () -> null);
    }

    /** With this provider and this policy. */
    public static MessageSecurity with(Supplier<SoapSecurity> provider, SecurityPolicy policy) {
        return new MessageSecurity(provider, () -> policy, () -> null);
    }

    /** A request signed by {@code thing} (integrity, end to end, an X.509 signature), or anonymous. */
    public static Optional<Authenticated> signedBy(Optional<ThingId> thing) {
        return thing.map(Policies::signature);
    }

    public static Authenticated signature(ThingId thing) {
        return Authenticated.message(thing, Layer.APPLICATION, "wss-x509", Protection.integrity().endToEnd());
    }

    @Override
    public Protection inbound(ThingId thing, String protocol) {
        return rule.apply(thing);
    }

    @Override
    public Protection outbound(ThingId thing, String protocol) {
        return rule.apply(thing);
    }

    @Override
    public boolean mayRead(ThingId caller, ThingId target, String property) {
        asked.add("read " + caller + " " + target + " " + property);
        return grants;
    }

    @Override
    public boolean mayReadUnauthenticated(ThingId target, String property) {
        asked.add("read - " + target + " " + property);
        return anonymousReads.contains("*") || anonymousReads.contains(property);
    }

    @Override
    public boolean mayWrite(ThingId caller, ThingId target, String property) {
        asked.add("write " + caller + " " + target + " " + property);
        return grants;
    }

    @Override
    public boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes) {
        return grants;
    }

    @Override
    public boolean mayPair(ThingId thing, ThingId peer) {
        return grants;
    }

    /** Records each refusal as "thing/mechanism/REASON" ("-" for none). */
    public static final class Refusals implements SecurityRefusals {
        public final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
            seen.add(thing.map(ThingId::value).orElse("-") + "/" + mechanism + "/" + reason);
        }

        @Override
        public List<RefusalCount> counts() {
            return List.of();
        }

        @Override
        public List<RefusalCount> counts(ThingId thing) {
            return List.of();
        }

        @Override
        public void clear(ThingId thing) {
        }
    }
}
