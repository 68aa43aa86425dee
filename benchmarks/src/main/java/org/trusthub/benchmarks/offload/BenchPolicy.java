package org.trusthub.benchmarks.offload;

import java.util.List;
import java.util.Set;

import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;

/**
 * The few {@code token CLIENT AUDIENCE SCOPE...} and {@code pair THING PEER} rules the offload benchmarks need, each
 * name a thing id or {@code *}; so every issue pays a policy question, as on the hub. The hub's own rules and their
 * matching are the security-policy bundle's.
 */
final class BenchPolicy implements SecurityPolicy {
    private final List<String[]> rules;

    BenchPolicy(String... rules) {
        this.rules = java.util.Arrays.stream(rules).map(r -> r.strip().split("\\s+")).toList();
    }

    private static boolean names(String field, ThingId thing) {
        return "*".equals(field) || field.equals(thing.value());
    }

    @Override
    public boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes) {
        return scopes.stream().allMatch(s -> rules.stream().anyMatch(r -> r[0].equals("token") && names(r[1], client)
                && names(r[2], audience) && List.of(r).subList(3, r.length).contains(s)));
    }

    @Override
    public boolean mayPair(ThingId thing, ThingId peer) {
        return rules.stream().anyMatch(r -> r[0].equals("pair") && names(r[1], thing) && names(r[2], peer));
    }

    @Override
    public Protection inbound(ThingId thing, String protocol) {
        return Protection.NONE;
    }

    @Override
    public Protection outbound(ThingId thing, String protocol) {
        return Protection.NONE;
    }

    @Override
    public boolean mayRead(ThingId caller, ThingId target, String property) {
        return caller.equals(target);
    }

    @Override
    public boolean mayWrite(ThingId caller, ThingId target, String property) {
        return false;
    }
}
