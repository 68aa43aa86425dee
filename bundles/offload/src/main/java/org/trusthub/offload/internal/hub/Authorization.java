package org.trusthub.offload.internal.hub;

import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;

/**
 * Asks the {@link GrantTable} before anything is issued: called after the request authenticated and before it is
 * committed, so a refusal consumes no sequence number and changes no state. Every refusal is counted by kind and logged
 * (rate-limited) with client, audience or peer, and scope.
 */
public final class Authorization {
    private final Stats stats;
    private final Function<String, Set<ThingId>> groupMembers;
    private static final Logger LOG = LoggerFactory.getLogger(Authorization.class);
    private final LogLimiter refusals = new LogLimiter(Duration.ofMinutes(1), 10);
    private volatile Supplier<GrantTable> table = () -> GrantTable.EMPTY;

    /** @param groupMembers the members of an offload group now, empty for a group the hub does not know */
    public Authorization(Stats stats, Function<String, Set<ThingId>> groupMembers) {
        this.stats = stats;
        this.groupMembers = groupMembers;
    }

    /** Where the table in force comes from (read on every request). */
    public void source(Supplier<GrantTable> source) {
        this.table = source;
    }

    public GrantTable table() {
        GrantTable t = table.get();
        return t == null ? GrantTable.EMPTY : t;
    }

    public void checkToken(ThingId client, ThingId audience, String scope) {
        if (!table().allowsToken(client, audience, scope, groupMembers)) {
            stats.notGranted("token");
            refusals.admit("not-granted-token").ifPresent(left -> LOG.info("Offload: refused a token for '{}' at "
                    + "audience '{}' with scope '{}': no grant (trusthub:grant-list){}", client, audience, scope,
                    left == 0 ? "" : " (" + left + " more such refusals not logged)"));
            throw new OffloadException(Refusal.POLICY, "no grant lets '" + client + "' get a token for '" + audience
                    + "' with scope '" + scope + "'");
        }
    }

    public void checkPair(ThingId thing, ThingId peer) {
        if (!table().allowsPair(thing, peer, groupMembers)) {
            stats.notGranted("pairwise-key");
            refusals.admit("not-granted-pair").ifPresent(left -> LOG.info("Offload: refused a pairwise key for '{}' "
                    + "with peer '{}': no grant (trusthub:grant-list){}", thing, peer,
                    left == 0 ? "" : " (" + left + " more such refusals not logged)"));
            throw new OffloadException(Refusal.POLICY, "no grant lets '" + thing + "' get a pairwise key with '"
                    + peer + "'");
        }
    }
}
