package org.trusthub.offload.internal.hub;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;

/**
 * A {@link SecurityPolicy} for offload's tests: allows exactly the token scopes and pairs it was told to, and records
 * every question offload asks, so a test sees what was asked and when. Rule matching is the policy bundle's (and its
 * tests'); this only answers.
 */
public final class FakePolicy implements SecurityPolicy {
    /** A policy that allows every token and every pairwise key (tests of everything but authorization). */
    public static FakePolicy allowingEverything() {
        FakePolicy p = new FakePolicy();
        p.everything = true;
        return p;
    }

    private volatile boolean everything;
    private final Set<String> tokens = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Set<String> pairs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The questions asked, in order: {@code token CLIENT AUDIENCE [SCOPES]} or {@code pair THING PEER}. */
    public final List<String> asked = new CopyOnWriteArrayList<>();

    /** Allows {@code client} tokens for {@code audience} with each of {@code scopes}. */
    public FakePolicy allowToken(String client, String audience, String... scopes) {
        for (String s : scopes) {
            tokens.add(client + " " + audience + " " + s);
        }
        return this;
    }

    public FakePolicy allowPair(String thing, String peer) {
        pairs.add(thing + " " + peer);
        return this;
    }

    @Override
    public boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes) {
        asked.add("token " + client + " " + audience + " " + new java.util.TreeSet<>(scopes));
        return everything || scopes.stream().allMatch(s -> tokens.contains(client + " " + audience + " " + s));
    }

    @Override
    public boolean mayPair(ThingId thing, ThingId peer) {
        asked.add("pair " + thing + " " + peer);
        return everything || pairs.contains(thing + " " + peer);
    }

    @Override
    public Protection inbound(ThingId thing, String protocol) {
        throw new UnsupportedOperationException("offload never asks");
    }

    @Override
    public Protection outbound(ThingId thing, String protocol) {
        throw new UnsupportedOperationException("offload never asks");
    }

    @Override
    public boolean mayRead(ThingId caller, ThingId target, String property) {
        throw new UnsupportedOperationException("offload never asks");
    }

    @Override
    public boolean mayWrite(ThingId caller, ThingId target, String property) {
        throw new UnsupportedOperationException("offload never asks");
    }
}
