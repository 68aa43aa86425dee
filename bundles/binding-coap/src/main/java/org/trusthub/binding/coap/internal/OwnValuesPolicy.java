package org.trusthub.binding.coap.internal;

import java.util.Set;

import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;

/**
 * The policy of a binding made without the framework (tests, benchmarks): no protection required beyond what DTLS or
 * OSCORE give, and nothing granted, so each thing uses only its own values. In the framework the binding has no
 * policy of its own: it asks the {@link SecurityPolicy} service, and refuses everything while there is none.
 */
final class OwnValuesPolicy implements SecurityPolicy {

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

    @Override
    public boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes) {
        return false;
    }

    @Override
    public boolean mayPair(ThingId thing, ThingId peer) {
        return false;
    }
}
