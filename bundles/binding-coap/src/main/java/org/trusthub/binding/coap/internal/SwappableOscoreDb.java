package org.trusthub.binding.coap.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.oscore.CoapOSException;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.OSCoreCtxDB;
import org.eclipse.californium.oscore.OSException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.security.oscore.OscoreContexts;

/**
 * The context database the plain endpoint's OSCORE layer is built with, handing every call to the OSCORE provider
 * there is now. The endpoint is built once and keeps running while the provider is replaced; while there is none,
 * no context is found, so cf-oscore refuses every OSCORE request (4.01) before any resource sees it, and the refusal
 * is counted and logged (rate-limited: any datagram can cause it).
 * <p>
 * cf-oscore finds the context of what an exchange still sends (an observation's notifications, a response to the
 * hub's own request) by the exchange's token, in the database the token was added to. A provider's database knows
 * only the tokens added while it ran, so this one also keeps the key id each live token came under: a token the
 * provider of the moment does not know is given the thing's context as that provider opens it (an operational thing
 * only, from the keystore, its sequence numbers continuing), and the exchange goes on.
 */
final class SwappableOscoreDb implements OSCoreCtxDB {
    private static final Logger LOG = LoggerFactory.getLogger(SwappableOscoreDb.class);
    private static final LogLimiter ABSENT = new LogLimiter(Duration.ofMinutes(1), 1);

    private final Providers providers;
    /** Far more than the exchanges in flight at once; the oldest goes first past it (its exchange then fails). */
    static final int MAX_TOKENS = 65_536;

    /** Each live token's exchange: the context it came under and the database it was added to, until removed. */
    private final Map<Token, Live> tokens = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Token, Live> eldest) {
                    return size() > MAX_TOKENS;
                }
            });

    private record Live(OSCoreCtx ctx, OSCoreCtxDB under) {
    }

    SwappableOscoreDb(Providers providers) {
        this.providers = providers;
    }

    private Optional<OSCoreCtxDB> current() {
        return providers.oscore().map(OscoreContexts::database);
    }

    private OSCoreCtx absent() {
        providers.refused(Optional.empty(), Layer.APPLICATION, "oscore", RefusalReason.NOT_OPERATIONAL);
        ABSENT.admit("absent").ifPresent(left -> LOG.warn("OSCORE request refused: no OSCORE provider is running;"
                + " {} like it not logged before", left));
        return null;
    }

    @Override
    public OSCoreCtx getContext(byte[] rid) {
        // Counted in the lookup by key id and ID context only: cf-oscore looks a request's key id up more than once.
        return current().map(db -> db.getContext(rid)).orElse(null);
    }

    @Override
    public OSCoreCtx getContext(byte[] rid, byte[] idContext) throws CoapOSException {
        Optional<OSCoreCtxDB> db = current();
        return db.isPresent() ? db.get().getContext(rid, idContext) : absent();
    }

    @Override
    public OSCoreCtx getContextByToken(Token token) {
        Optional<OSCoreCtxDB> current = current();
        if (current.isEmpty()) {
            return null;
        }
        OSCoreCtxDB db = current.get();
        OSCoreCtx known = db.getContextByToken(token);
        Live live = known == null && token != null ? tokens.get(token) : null;
        // Taken over only from a provider that has gone: the provider that added the token dropped its context on
        // purpose (revoked, re-keyed, forgotten), and the exchange must fail closed.
        if (live == null || live.under() == db) {
            return known;
        }
        OSCoreCtx again = db.getContext(live.ctx().getRecipientId());
        // The same keys only: under a new key the response would reuse the request's nonce with that key.
        if (again == null || !sameKeys(live.ctx(), again)) {
            return null;
        }
        try {
            db.addContext(token, again);
        } catch (IllegalStateException e) {
            // another thing's exchange holds the token in this provider's database
            return null;
        }
        tokens.put(token, new Live(again, db));
        return again;
    }

    @Override
    public void addContext(Token token, OSCoreCtx ctx) {
        Optional<OSCoreCtxDB> current = current();
        // the provider's database first: it may refuse the token (held by another thing's exchange)
        current.ifPresent(db -> db.addContext(token, ctx));
        if (token != null && ctx != null && current.isPresent()) {
            tokens.put(token, new Live(ctx, current.get()));
        }
    }

    private static boolean sameKeys(OSCoreCtx a, OSCoreCtx b) {
        return java.security.MessageDigest.isEqual(a.getRecipientKey(), b.getRecipientKey())
                && java.security.MessageDigest.isEqual(a.getSenderKey(), b.getSenderKey());
    }

    @Override
    public void addContext(String uri, OSCoreCtx ctx) throws OSException {
        Optional<OSCoreCtxDB> db = current();
        if (db.isEmpty()) {
            throw new OSException("no OSCORE provider is running");
        }
        db.get().addContext(uri, ctx);
    }

    @Override
    public void addContext(OSCoreCtx ctx) {
        current().ifPresent(db -> db.addContext(ctx));
    }

    @Override
    public void removeContext(OSCoreCtx ctx) {
        current().ifPresent(db -> db.removeContext(ctx));
    }

    @Override
    public OSCoreCtx getContext(String uri) throws OSException {
        Optional<OSCoreCtxDB> db = current();
        return db.isPresent() ? db.get().getContext(uri) : null;
    }

    @Override
    public boolean tokenExist(Token token) {
        return current().map(db -> db.tokenExist(token)).orElse(false);
    }

    @Override
    public void purge() {
        tokens.clear();
        current().ifPresent(OSCoreCtxDB::purge);
    }

    @Override
    public void removeToken(Token token) {
        tokens.remove(token);
        current().ifPresent(db -> db.removeToken(token));
    }
}
