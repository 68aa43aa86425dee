package org.trusthub.binding.coap.testing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;

/**
 * A security policy a test sets by hand: inbound protection per thing (none unless set), and read and write grants
 * as {@code caller>target/property} ({@code *} for any property). A thing may read and write its own, as the hub's
 * policy lets it, unless a test turns that off ({@link #ownAccess}) to show that a binding asks.
 */
public final class TestPolicy implements SecurityPolicy {
    private final Map<ThingId, Protection> inbound = new ConcurrentHashMap<>();
    private final Set<String> reads = ConcurrentHashMap.newKeySet();
    private final Set<String> writes = ConcurrentHashMap.newKeySet();
    private volatile boolean own = true;

    /** Whether a thing may read and write its own properties (true, as the hub's policy says). */
    public TestPolicy ownAccess(boolean allowed) {
        own = allowed;
        return this;
    }

    public TestPolicy requireInbound(ThingId thing, Protection protection) {
        inbound.put(thing, protection);
        return this;
    }

    public TestPolicy grantRead(ThingId caller, ThingId target, String property) {
        reads.add(caller.value() + ">" + target.value() + "/" + property);
        return this;
    }

    public TestPolicy grantWrite(ThingId caller, ThingId target, String property) {
        writes.add(caller.value() + ">" + target.value() + "/" + property);
        return this;
    }

    public TestPolicy revokeWrite(ThingId caller, ThingId target, String property) {
        writes.remove(caller.value() + ">" + target.value() + "/" + property);
        return this;
    }

    private static boolean granted(Set<String> grants, ThingId caller, ThingId target, String property) {
        String prefix = caller.value() + ">" + target.value() + "/";
        return grants.contains(prefix + property) || grants.contains(prefix + "*");
    }

    @Override
    public Protection inbound(ThingId thing, String protocol) {
        return inbound.getOrDefault(thing, Protection.NONE);
    }

    @Override
    public Protection outbound(ThingId thing, String protocol) {
        return Protection.NONE;
    }

    @Override
    public boolean mayRead(ThingId caller, ThingId target, String property) {
        return own && caller.equals(target) || granted(reads, caller, target, property);
    }

    @Override
    public boolean mayWrite(ThingId caller, ThingId target, String property) {
        return own && caller.equals(target) || granted(writes, caller, target, property);
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
