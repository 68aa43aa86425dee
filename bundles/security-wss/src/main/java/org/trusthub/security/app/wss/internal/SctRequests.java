package org.trusthub.security.app.wss.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import org.trusthub.api.thing.ThingId;
import org.trusthub.security.app.wss.WsSecurityException;
import org.trusthub.security.app.wss.WsSecurityException.Fault;
import org.trusthub.security.app.wss.WssPolicy;
import org.trusthub.security.app.wss.WssResult;
import org.trusthub.security.app.wss.sct.SctVerifier;
import org.trusthub.security.app.wss.sct.SecurityContextResolver;
import org.w3c.dom.Document;

/**
 * Requests to hosted things signed with a security context token's proof key: checked by {@link SctVerifier} with
 * the registered resolver (one verifier, so its replay cache spans every request). Such a request counts as signed
 * by the token's subject and never as encrypted: a hosted thing whose policy requires encryption refuses it.
 */
final class SctRequests {

    private final Supplier<SecurityContextResolver> resolver;
    private final SctVerifier verifier;

    SctRequests(Supplier<SecurityContextResolver> resolver, Clock clock) {
        this.resolver = resolver;
        // The longest Timestamp validity the configuration allows; each policy's own TTL is checked below.
        this.verifier = new SctVerifier((identifier, receiver) -> {
            SecurityContextResolver r = resolver.get();
            if (r == null) {
                throw new WsSecurityException(Fault.SECURITY_TOKEN_UNAVAILABLE,
                        "security context tokens are not accepted: no token service is installed");
            }
            return r.resolve(identifier, receiver);
        }, clock, Duration.ofHours(1));
    }

    WssResult verify(Document envelope, ThingId hosted, WssPolicy policy) throws WsSecurityException {
        if (policy.encrypt()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the policy of " + hosted + " requires "
                    + "encryption; a message signed with a security context token is not encrypted");
        }
        if (policy.usernameToken()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the policy of " + hosted + " requires a "
                    + "UsernameToken; a message signed with a security context token has none");
        }
        SctVerifier.Verified v = verifier.verify(envelope, hosted);
        if (Duration.between(v.created(), verifier.now()).compareTo(policy.timestampTtl()) > 0) {
            throw new WsSecurityException(Fault.MESSAGE_EXPIRED, "the message is older than the policy of "
                    + hosted + " allows");
        }
        return new WssResult(true, false, Optional.of(v.subject()), Optional.empty(), Optional.empty(),
                Optional.of(v.created()));
    }
}
