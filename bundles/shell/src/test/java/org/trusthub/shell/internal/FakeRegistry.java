package org.trusthub.shell.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.IllegalTransitionException;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.lifecycle.HistoryEntry;
import org.trusthub.lifecycle.ThingHistory;

/** An in-memory registry with the contract's rules, a fixed clock that ticks one minute per change. */
final class FakeRegistry implements ThingRegistry, ThingHistory {

    final Map<ThingId, Thing> things = new TreeMap<>();
    final Map<ThingId, List<HistoryEntry>> histories = new HashMap<>();
    final FakeKeyStore keyStore;
    private Instant now = Instant.parse("2026-11-22T08:00:00Z");

    FakeRegistry(FakeKeyStore keyStore) {
        this.keyStore = keyStore;
    }

    private Instant tick() {
        now = now.plusSeconds(60);
        return now;
    }

    @Override
    public Thing enroll(ThingId id, String owner, RootCredential rootCredential) {
        if (things.containsKey(id)) {
            throw new DuplicateThingException(id, "it is " + things.get(id).state());
        }
        if (owner.isBlank() || owner.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("malformed owner: it is blank or has control characters");
        }
        keyStore.enroll(id, rootCredential);
        Instant at = tick();
        Thing t = new Thing(id, LifecycleState.MANUFACTURED, owner, at, at, 0);
        things.put(id, t);
        histories.computeIfAbsent(id, k -> new ArrayList<>())
                .add(new HistoryEntry(HistoryEntry.ENROLL, null, LifecycleState.MANUFACTURED, at));
        return t;
    }

    @Override
    public Optional<Thing> find(ThingId id) {
        return Optional.ofNullable(things.get(id));
    }

    @Override
    public Thing get(ThingId id) {
        return find(id).orElseThrow(() -> new UnknownThingException(id));
    }

    @Override
    public List<Thing> list() {
        return List.copyOf(things.values());
    }

    @Override
    public Thing transition(ThingId id, Transition transition) {
        Thing before = get(id);
        if (transition == Transition.RECOMMISSION || !transition.isAllowedFrom(before.state())) {
            throw new IllegalTransitionException(id, before.state(), transition, null);
        }
        if (transition == Transition.REBOOTSTRAP) {
            keyStore.rotateAll(id);
        } else if (transition == Transition.DECOMMISSION) {
            keyStore.revoke(id);
        }
        return record(before, transition, before.owner(), before.commissionCount());
    }

    @Override
    public Thing recommission(ThingId id, String newOwner, RootCredential freshRootCredential) {
        Thing before = get(id);
        if (before.state() != LifecycleState.DECOMMISSIONED) {
            throw new IllegalTransitionException(id, before.state(), Transition.RECOMMISSION, null);
        }
        if (newOwner.isBlank() || newOwner.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("malformed owner: it is blank or has control characters");
        }
        keyStore.enroll(id, freshRootCredential);
        return record(before, Transition.RECOMMISSION, newOwner, before.commissionCount() + 1);
    }

    private Thing record(Thing before, Transition transition, String owner, int commissions) {
        Instant at = tick();
        Thing after = new Thing(before.id(), transition.target(), owner, before.enrolled(), at, commissions);
        things.put(after.id(), after);
        histories.get(after.id()).add(new HistoryEntry(transition.name(), before.state(), after.state(), at));
        return after;
    }

    @Override
    public List<HistoryEntry> history(ThingId id) {
        get(id);
        return List.copyOf(histories.get(id));
    }
}
