package org.trusthub.benchmarks.coap;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCtx;

/**
 * The simulated things' OSCORE context database: cf-oscore's {@link HashMapCtxDB}, except that it forgets a token
 * once its response arrived. cf-oscore 3.13's own database also keeps every token it ever saw in a list and scans it
 * on every request, so a load driver using it slows down by itself with every request it sends; the drivers measure
 * the hub, not that.
 */
final class ThingSideDb extends HashMapCtxDB {
    private final Map<Token, OSCoreCtx> byToken = new ConcurrentHashMap<>();

    @Override
    public void addContext(Token token, OSCoreCtx ctx) {
        if (token != null) {
            byToken.put(token, ctx);
        }
        addContext(ctx);
    }

    @Override
    public OSCoreCtx getContextByToken(Token token) {
        return byToken.get(token);
    }

    @Override
    public boolean tokenExist(Token token) {
        return byToken.containsKey(token);
    }

    @Override
    public void removeToken(Token token) {
        byToken.remove(token);
    }

    @Override
    public synchronized void purge() {
        super.purge();
        byToken.clear();
    }
}
