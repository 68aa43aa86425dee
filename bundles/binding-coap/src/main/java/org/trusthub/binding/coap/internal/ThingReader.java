package org.trusthub.binding.coap.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.OSCoreCtxDB;
import org.eclipse.californium.oscore.OSException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.RawValues;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.oscore.OscoreContexts;

/**
 * The hub as a client of its things: reads and observes a registered thing's resources through the endpoint and
 * with the protection it registered with (its DTLS session, or its OSCORE context), and puts what it gets into
 * the hub's thing model ({@link RawValues}) as {@code <path with '/' as '.'>}: the thing's own state, which the model
 * keeps in memory only.
 */
final class ThingReader {
    private static final Logger LOG = LoggerFactory.getLogger(ThingReader.class);

    private final ResourceDirectory directory;
    private final Providers providers;
    private final OSCoreCtxDB oscoreDb;
    private final long timeoutMillis;
    private final Map<ThingId, Map<String, CoapObserveRelation>> observations = new ConcurrentHashMap<>();

    /** @param oscoreDb the context database of the endpoint the hub's OSCORE requests go out on */
    ThingReader(ResourceDirectory directory, Providers providers, OSCoreCtxDB oscoreDb, long timeoutMillis) {
        this.directory = directory;
        this.providers = providers;
        this.oscoreDb = oscoreDb;
        this.timeoutMillis = timeoutMillis;
    }

    static String valueName(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.replace('/', '.');
    }

    private Request request(Registration registration, String path) {
        if (!path.startsWith("/") || path.contains("..") || path.length() > 256) {
            throw new IllegalArgumentException("path must start with / and stay below the thing's base");
        }
        Request request = Request.newGet();
        request.setURI(registration.base() + path);
        if (!registration.overDtls()) {
            OscoreContexts oscore = providers.oscore()
                    .orElseThrow(() -> new IllegalStateException("no OSCORE provider is running"));
            OSCoreCtx context = oscore.context(registration.thing())
                    .orElseThrow(() -> new IllegalStateException("thing has no OSCORE context"));
            try {
                oscoreDb.addContext(registration.base(), context);
            } catch (OSException e) {
                throw new IllegalStateException("OSCORE context unusable: " + e.getMessage(), e);
            }
            request.getOptions().setOscore(Bytes.EMPTY);
        }
        return request;
    }

    private CoapClient client(Registration registration) {
        CoapClient client = new CoapClient();
        client.setEndpoint(registration.endpoint());
        client.setTimeout(timeoutMillis);
        return client;
    }

    /**
     * The thing's registration, if the session it was made over is still there: a registration over DTLS whose
     * sessions all ended (its transport keys rotated, the provider replaced) is dropped here, since the hub, a DTLS
     * server only, cannot reach the thing without it; the thing registers again over its new session.
     */
    private Registration registration(ThingId thing) {
        Registration r = directory.of(thing)
                .orElseThrow(() -> new IllegalArgumentException(thing + " is not registered"));
        if (r.overDtls() && providers.dtls().map(d -> d.openSessions(thing)).orElse(0) == 0) {
            directory.remove(thing);
            forget(thing);
            throw new IllegalArgumentException(thing + " is not registered: its DTLS session ended, it registers"
                    + " again");
        }
        return r;
    }

    /**
     * Reads a resource of the thing.
     *
     * @return the response, empty on timeout
     * @throws IllegalArgumentException if the thing is not registered or the path is malformed
     */
    Optional<CoapResponse> read(ThingId thing, String path) {
        Registration registration = registration(thing);
        try {
            CoapResponse response = client(registration).advanced(request(registration, path));
            if (response != null && response.isSuccess()) {
                store(thing, path, response, Origin.READ);
            }
            return Optional.ofNullable(response);
        } catch (org.eclipse.californium.elements.exception.ConnectorException | java.io.IOException e) {
            LOG.warn("reading {} of {} failed: {}", path, thing, e.toString());
            return Optional.empty();
        }
    }

    /** Starts observing a resource of the thing; each notification updates the hub's model. */
    void observe(ThingId thing, String path) {
        Registration registration = registration(thing);
        Request request = request(registration, path);
        request.setObserve();
        CoapObserveRelation relation = client(registration).observe(request, new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                if (response.isSuccess()) {
                    store(thing, path, response, Origin.REPORT);
                }
            }

            @Override
            public void onError() {
                LOG.warn("observation of {} of {} failed", path, thing);
            }
        });
        CoapObserveRelation previous = observations.computeIfAbsent(thing, t -> new ConcurrentHashMap<>())
                .put(path, relation);
        if (previous != null) {
            previous.proactiveCancel();
        }
    }

    private void store(ThingId thing, String path, CoapResponse response, Origin origin) {
        Optional<RawValues> model = providers.values();
        if (model.isEmpty()) {
            LOG.warn("value {} of {} not kept: the hub's thing model is not running", path, thing);
            return;
        }
        try {
            model.get().put(thing, valueName(path), response.getPayload(), response.getOptions().getContentFormat(),
                    origin, false);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.warn("value {} of {} not kept: {}", path, thing, e.getMessage());
        }
    }

    int observing(ThingId thing) {
        Map<String, CoapObserveRelation> m = observations.get(thing);
        return m == null ? 0 : m.size();
    }

    /** Ends the thing's observations without a message to it (its session or context is already gone). */
    void forget(ThingId thing) {
        Map<String, CoapObserveRelation> gone = observations.remove(thing);
        if (gone != null) {
            gone.values().forEach(CoapObserveRelation::reactiveCancel);
        }
    }
}
