package org.trusthub.offload.internal.hub;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;

/**
 * Asks the hub's {@link SecurityPolicy} before anything is issued: called after the request authenticated and before
 * it is committed, so a refusal consumes no sequence number and changes no state. With no policy service the answer
 * is no (fail closed). Every refusal is counted by kind and logged (rate-limited) with client, audience or peer, and
 * scope.
 */
public final class Authorization {
    private static final Logger LOG = LoggerFactory.getLogger(Authorization.class);
    private final Stats stats;
    private final LogLimiter refusals = new LogLimiter(Duration.ofMinutes(1), 10);
    private volatile Supplier<SecurityPolicy> policy = () -> null;

    public Authorization(Stats stats) {
        this.stats = stats;
    }

    /** Where the policy in force comes from (read on every request; {@code null} while there is none). */
    public void source(Supplier<SecurityPolicy> source) {
        this.policy = source;
    }

    /** @param scope the request's scope: space-separated words, each of which the policy must allow */
    public void checkToken(ThingId client, ThingId audience, String scope) {
        SecurityPolicy p = policy.get();
        Set<String> scopes = new LinkedHashSet<>(Arrays.asList(scope.split(" ")));
        if (p == null || !p.mayRequestToken(client, audience, Set.copyOf(scopes))) {
            stats.notGranted("token");
            refusals.admit(p == null ? "no-policy" : "not-granted-token").ifPresent(left -> LOG.info("Offload: "
                    + "refused a token for '{}' at audience '{}' with scope '{}': {}{}", client, audience, scope,
                    why(p), left == 0 ? "" : " (" + left + " more such refusals not logged)"));
            throw new OffloadException(Refusal.POLICY, (p == null ? "no security policy is in force, so '"
                    : "the security policy does not let '") + client + "' get a token for '" + audience
                    + "' with scope '" + scope + "'");
        }
    }

    public void checkPair(ThingId thing, ThingId peer) {
        SecurityPolicy p = policy.get();
        if (p == null || !p.mayPair(thing, peer)) {
            stats.notGranted("pairwise-key");
            refusals.admit(p == null ? "no-policy" : "not-granted-pair").ifPresent(left -> LOG.info("Offload: "
                    + "refused a pairwise key for '{}' with peer '{}': {}{}", thing, peer, why(p),
                    left == 0 ? "" : " (" + left + " more such refusals not logged)"));
            throw new OffloadException(Refusal.POLICY, (p == null ? "no security policy is in force, so '"
                    : "the security policy does not let '") + thing + "' get a pairwise key with '" + peer + "'");
        }
    }

    private static String why(SecurityPolicy p) {
        return p == null ? "no security policy service (fail closed)" : "no rule allows it (trusthub:policy-list)";
    }
}
