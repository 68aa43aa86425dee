package org.trusthub.api.security;

import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/**
 * What the hub requires and allows, for every thing whatever its protocol: the protection it requires on what a
 * thing sends to the hub (inbound) and on what the hub sends it (outbound), and what each thing is authorized to do.
 * Bindings and services ask it at the moment they decide; none keeps a private policy. An operator changes it
 * through Config Admin or the console ({@code trusthub:policy-list}, {@code trusthub:policy-set}); a change applies
 * to the next decision.
 *
 * <p>
 * Authorization is default-deny: a thing may do what a rule grants it and nothing else, except that a thing may always
 * read and write (or invoke) its own properties, the values the hub holds for it: this is how a thing reports its
 * values (a CoAP thing writes them to {@code /things/<its id>/<name>}). That is the policy's decision: bindings ask
 * {@link #mayRead} and {@link #mayWrite} for a thing's access to itself too, and grant nothing of their own.
 */
@ProviderType
public interface SecurityPolicy {

    /**
     * The protection a thing's messages must have when they reach the hub over a protocol. A message below it is
     * refused with {@link RefusalReason#POLICY}.
     *
     * @param protocol a {@link org.trusthub.api.binding.ProtocolBinding#PROTOCOL} name such as {@code coap}
     */
    Protection inbound(ThingId thing, String protocol);

    /** The protection the hub must give what it sends a thing over a protocol. */
    Protection outbound(ThingId thing, String protocol);

    /** Whether {@code caller} may read a property of {@code target} (always true for its own). */
    boolean mayRead(ThingId caller, ThingId target, String property);

    /**
     * Whether a request that names no thing (an unauthenticated caller) may read a property of {@code target}.
     * Only an explicit grant allows it: a grant to every thing does not reach a caller that is none. Default: never.
     */
    default boolean mayReadUnauthenticated(ThingId target, String property) {
        return false;
    }

    /** Whether {@code caller} may write (or invoke) a property of {@code target} (always true for its own). */
    boolean mayWrite(ThingId caller, ThingId target, String property);

    /** Whether {@code client} may be issued a token for {@code audience} carrying every one of {@code scopes}. */
    boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes);

    /** Whether {@code thing} may be given a pairwise key with {@code peer}. */
    boolean mayPair(ThingId thing, ThingId peer);
}
