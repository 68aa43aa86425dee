package org.trusthub.security.transport.dtls.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.californium.elements.util.Filter;
import org.eclipse.californium.scandium.DTLSConnector;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.security.transport.dtls.DtlsServerOptions;
import org.trusthub.security.transport.dtls.DtlsServers;

/**
 * The transport layer's DTLS provider: makes keystore-backed server connectors and closes a thing's sessions on all
 * of them when it is forgotten.
 */
@Component(service = {SecurityProvider.class, DtlsServers.class}, property = {
        SecurityProvider.LAYER + "=TRANSPORT", SecurityProvider.MECHANISM + "=" + DtlsServers.DTLS_MECHANISM})
public final class DtlsComponent implements SecurityProvider, DtlsServers {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsComponent.class);
    private static final long CLOSE_WAIT_SECONDS = 5;
    /** Refused handshakes and malformed packets: one line per reason a minute, the next says how many were not. */
    static final Duration LOG_WINDOW = Duration.ofMinutes(1);

    private final ThingKeyStore keys;
    private final PeerThings peers;
    private final ThingGate gate;
    private final DtlsServerFactory factory;
    private final LogLimiter limiter = new LogLimiter(LOG_WINDOW, 1);
    private final Map<HandingOverConnector, SessionTracker> connectors = new ConcurrentHashMap<>();
    private final DtlsRefusals refusals = new DtlsRefusals();
    /** How long a destroyed connector's sessions wait for the binding's next connector. */
    static final Duration HANDOVER_TTL = Duration.ofSeconds(60);

    /**
     * Sessions a destroyed connector handed over, serialized (secrets: zeroed once taken or dropped), and the things
     * whose sessions were closed since: theirs are not taken over, the others' are.
     */
    private record Handover(byte[] sessions, long savedNanos, Set<ThingId> closed) {
    }

    private final Map<Integer, Handover> handovers = new ConcurrentHashMap<>();
    private final Duration handoverTtl;
    /** Drops a handover nobody took within its time (the binding uninstalled, not updated). */
    private final ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trusthub-dtls-handover-expiry");
        t.setDaemon(true);
        return t;
    });

    @org.osgi.service.component.annotations.Activate
    public DtlsComponent(@Reference ThingKeyStore keys, @Reference ThingRegistry registry) {
        this(keys, registry, HANDOVER_TTL);
    }

    DtlsComponent(ThingKeyStore keys, ThingRegistry registry, Duration handoverTtl) {
        this.handoverTtl = handoverTtl;
        this.keys = keys;
        this.peers = new PeerThings(keys);
        this.gate = new ThingGate(registry);
        this.factory = new DtlsServerFactory(keys, peers, gate, limiter, refusals);
    }

    /** Refusals are counted there while it runs; handshakes are refused alike without it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindRefusals(SecurityRefusals r) {
        refusals.use(r);
    }

    public void unbindRefusals(SecurityRefusals r) {
        refusals.stopUsing(r);
    }

    @Override
    public Layer layer() {
        return Layer.TRANSPORT;
    }

    @Override
    public String mechanism() {
        return DTLS_MECHANISM;
    }

    /**
     * A server on the options' port; when the binding destroyed its previous connector on that port (a binding
     * update), this one takes over the sessions that connector handed over, so its things need no new handshake.
     */
    @Override
    public DTLSConnector newServer(DtlsServerOptions options) {
        SessionTracker tracker = new SessionTracker(peers, new PskGuessWatch(limiter, refusals),
                new PskUses(keys, limiter));
        HandingOverConnector connector = factory.create(options, tracker, this::handOver);
        tracker.listensTo(connector);
        int port = options.address().getPort();
        Handover handover = port == 0 ? null : handovers.remove(port);
        if (handover != null) {
            try {
                long age = System.nanoTime() - handover.savedNanos();
                if (age < handoverTtl.toNanos()) {
                    connector.loadConnections(new ByteArrayInputStream(handover.sessions()), age);
                    // Only a thing that may still have a session keeps it: one revoked or taken out of operation
                    // meanwhile would otherwise keep a session no close can find.
                    int taken = tracker.restored(connector, t -> !handover.closed().contains(t) && keys.isActive(t)
                            && gate.isOperational(t));
                    LOG.info("DTLS on port {}: {} session(s) taken over from the previous connector", port, taken);
                }
            } catch (IOException | RuntimeException e) {
                // None half taken over: a session loaded but not tracked could not be closed.
                connector.established().forEach(connector::discard);
                LOG.warn("DTLS on port {}: sessions not taken over (their things handshake again): {}", port,
                        e.toString());
            } finally {
                Arrays.fill(handover.sessions(), (byte) 0);
            }
        }
        connectors.put(connector, tracker);
        return connector;
    }

    private void handOver(int port, byte[] sessions) {
        Handover handover = new Handover(sessions, System.nanoTime(), ConcurrentHashMap.newKeySet());
        Handover previous = handovers.put(port, handover);
        if (previous != null) {
            Arrays.fill(previous.sessions(), (byte) 0);
        }
        try {
            expiry.schedule(() -> {
                if (handovers.remove(port, handover)) {
                    Arrays.fill(handover.sessions(), (byte) 0);
                    LOG.info("DTLS on port {}: sessions handed over and not taken within {} s dropped", port,
                            handoverTtl.toSeconds());
                }
            }, handoverTtl.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Deactivated meanwhile: nothing may wait.
            if (handovers.remove(port, handover)) {
                Arrays.fill(handover.sessions(), (byte) 0);
            }
        }
    }

    /** How many handovers wait for a next connector. */
    int waitingHandovers() {
        return handovers.size();
    }

    /** Sessions not yet taken over are dropped: nothing is left to take them. */
    private void dropHandovers() {
        handovers.values().removeIf(h -> {
            Arrays.fill(h.sessions(), (byte) 0);
            return true;
        });
    }

    @Override
    public Optional<ThingId> thingOf(Principal peer) {
        return peer == null ? Optional.empty() : peers.of(peer);
    }

    @Override
    public int openSessions(ThingId thing) {
        prune();
        return connectors.values().stream().mapToInt(t -> t.count(thing)).sum();
    }

    @Override
    public void closeSessions(ThingId thing) {
        // The thing's handed-over sessions are not taken over; the other things' still are.
        handovers.values().forEach(h -> h.closed().add(thing));
        prune();
        for (Map.Entry<HandingOverConnector, SessionTracker> entry : connectors.entrySet()) {
            DTLSConnector connector = entry.getKey();
            // The tracker's record, not only the keystore: a revoked thing's key no longer names it.
            Set<Principal> tracked = entry.getValue().principalsOf(thing);
            Filter<Principal> ofThing = p -> tracked.contains(p) || thing.equals(peers.of(p).orElse(null));
            // Removing from the session cache too: nothing of the session survives to be resumed.
            Future<Void> done = connector.startTerminateConnectionsForPrincipal(ofThing, true);
            try {
                done.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
                entry.getValue().dropThing(thing);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("closing the DTLS sessions of {} on {} did not finish: {}", thing, connector.getAddress(),
                        e.toString());
            }
        }
        LOG.info("DTLS sessions of {} closed", thing);
    }

    @Override
    public void forget(ThingId thing) {
        closeSessions(thing);
    }

    /** The thing's established sessions on every connector: mechanism by credential, session id in hex. */
    @Override
    public List<Authenticated> sessions(ThingId thing) {
        prune();
        List<Authenticated> sessions = new ArrayList<>();
        connectors.values().forEach(t -> sessions.addAll(t.sessions(thing)));
        return sessions;
    }

    /** Connectors destroyed by their binding are dropped here; a stopped one may still be started again. */
    private void prune() {
        connectors.keySet().removeIf(HandingOverConnector::isDestroyed);
    }

    @Deactivate
    void deactivate() {
        expiry.shutdownNow();
        connectors.clear();
        dropHandovers();
    }
}
