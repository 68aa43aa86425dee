package org.trusthub.api.thing;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.keystore.RootCredential;

/**
 * The registry of things and their lifecycle: the only place a thing's state changes. Every change is durable when
 * the call returns and is published on EventAdmin under {@link org.trusthub.api.event.TrustHubEvents}. A refused
 * call changes nothing.
 */
@ProviderType
public interface ThingRegistry {

    /**
     * Enrolls a new thing in {@link LifecycleState#MANUFACTURED} with its root credential, which goes to the
     * keystore.
     *
     * @param owner who the thing belongs to: 1 to 64 printable characters
     * @throws DuplicateThingException if the id is already enrolled (in any state)
     * @throws IllegalArgumentException if the owner is malformed or the credential is unusable
     */
    Thing enroll(ThingId id, String owner, RootCredential rootCredential);

    /** The thing, if enrolled. */
    Optional<Thing> find(ThingId id);

    /**
     * The thing.
     *
     * @throws UnknownThingException if it is not enrolled
     */
    Thing get(ThingId id);

    /** Every enrolled thing, ordered by id. */
    List<Thing> list();

    /**
     * Moves a thing through its lifecycle. {@link Transition#REBOOTSTRAP} rotates every layer's keys;
     * {@link Transition#DECOMMISSION} revokes them all. {@link Transition#RECOMMISSION} needs a new owner and
     * credential and is only possible through {@link #recommission}.
     *
     * @return the thing after the transition
     * @throws UnknownThingException if it is not enrolled
     * @throws IllegalTransitionException if the transition is not legal from the thing's current state
     */
    Thing transition(ThingId id, Transition transition);

    /**
     * Re-commissions a decommissioned thing under a new owner from a fresh root credential: the thing goes to
     * {@link LifecycleState#BOOTSTRAPPING} and no key of its previous life can be derived again.
     *
     * @throws UnknownThingException if it is not enrolled
     * @throws IllegalTransitionException if the thing is not decommissioned
     * @throws IllegalArgumentException if the owner is malformed or the credential is unusable
     */
    Thing recommission(ThingId id, String newOwner, RootCredential freshRootCredential);

    /**
     * The thing's lifecycle journal, oldest first: every enrollment and transition with when, from and to which
     * state, and who made it. It is durable (it survives restarts) and is bounded: beyond the implementation's limit
     * (the hub's registry keeps the last 256 steps of each thing) the oldest steps are dropped. A registry that keeps
     * no journal answers an empty list.
     *
     * @throws UnknownThingException if it is not enrolled
     */
    default List<JournalEntry> journal(ThingId id) {
        get(id);
        return List.of();
    }

    /**
     * This registry, recording {@code actor} as {@link JournalEntry#by() who} makes each change made through the
     * returned view. Callers that act for a person (the console, the web) name them here; other callers are named
     * by the registry (the hub's names the calling bundle). A registry that keeps no journal returns itself.
     *
     * @param actor 1 to 64 printable characters, for example {@code web:alice}
     * @throws IllegalArgumentException if the actor is malformed
     */
    default ThingRegistry actingAs(String actor) {
        return this;
    }
}
