package org.trusthub.security.transport.dtls.internal;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import org.eclipse.californium.elements.util.Filter;
import org.eclipse.californium.scandium.ConnectionListener;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.SessionId;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.security.transport.dtls.DtlsServers;
import org.trusthub.api.thing.ThingId;

/**
 * Which established DTLS connections belong to which thing, for the shell, for counting, and for closing them: the
 * thing is recorded when the handshake completes, so a session is found again even once its raw public key or
 * certificate no longer names an active thing (revoked, decommissioned).
 */
final class SessionTracker implements ConnectionListener {
    private final PeerThings peers;
    private final PskGuessWatch guesses;
    private final PskUses uses;
    /**
     * By identity and under this object's lock: a Scandium connection's equals and hashCode follow its mutable state
     * (peer address, last message time), so a hashed collection would no longer find it once it carried a record.
     */
    private final Map<ThingId, Set<Connection>> byThing = new HashMap<>();
    private final Map<Connection, ThingId> byConnection = new IdentityHashMap<>();
    private volatile DTLSConnector connector;

    SessionTracker(PeerThings peers, PskGuessWatch guesses, PskUses uses) {
        this.peers = peers;
        this.guesses = guesses;
        this.uses = uses;
    }

    /** The connector this tracker listens to, for ending a connection whose key use could not be recorded. */
    void listensTo(DTLSConnector connector) {
        this.connector = connector;
    }

    PskGuessWatch guesses() {
        return guesses;
    }

    PskUses uses() {
        return uses;
    }

    @Override
    public void onConnectionEstablished(Connection connection) {
        guesses.done(connection);
        Optional<ThingId> thing = Optional.ofNullable(connection.getEstablishedPeerIdentity()).flatMap(peers::of);
        if (thing.isPresent()) {
            if (!uses.established(connection, thing.get())) {
                end(connection);
                // A renewed handshake on a tracked connection: the connector does not report a terminated one.
                onConnectionRemoved(connection);
                return;
            }
            track(connection, thing.get());
        }
    }

    private synchronized void track(Connection connection, ThingId thing) {
        ThingId previous = byConnection.put(connection, thing);
        if (previous != null && !previous.equals(thing)) {
            remove(previous, connection);
        }
        byThing.computeIfAbsent(thing, t -> Collections.newSetFromMap(new IdentityHashMap<>())).add(connection);
    }

    private synchronized Optional<ThingId> trackedThing(Connection connection) {
        return Optional.ofNullable(byConnection.get(connection));
    }

    /**
     * Sessions taken over from a previous connector, after loading them (before the connector starts). Scandium
     * reports a restored session as established only while its key still names an active thing, and a PSK identity
     * names its thing even once revoked: so every session in the store is looked at again here. One whose thing may
     * still have a session (its keys active, the thing operational) is tracked; any other is removed with its
     * session, as it could otherwise not be found to be closed. Returns how many were kept.
     */
    int restored(HandingOverConnector from, Predicate<ThingId> mayKeep) {
        int kept = 0;
        for (Connection connection : from.established()) {
            Optional<ThingId> thing = trackedThing(connection)
                    .or(() -> peers.of(connection.getEstablishedPeerIdentity())).filter(mayKeep);
            if (thing.isPresent()) {
                track(connection, thing.get());
                kept++;
            } else {
                onConnectionRemoved(connection);
                from.discard(connection);
            }
        }
        return kept;
    }

    @Override
    public void onConnectionRemoved(Connection connection) {
        guesses.done(connection);
        untrack(connection);
    }

    private synchronized void untrack(Connection connection) {
        ThingId thing = byConnection.remove(connection);
        if (thing != null) {
            remove(thing, connection);
        }
    }

    /** Ends this one connection: its principal object is its own, another session of the thing stays. */
    private void end(Connection connection) {
        Principal peer = connection.getEstablishedPeerIdentity();
        DTLSConnector target = connector;
        if (target != null) {
            target.startTerminateConnectionsForPrincipal((Filter<Principal>) p -> p == peer, true);
        }
    }

    private void remove(ThingId thing, Connection connection) {
        Set<Connection> set = byThing.get(thing);
        if (set != null && set.remove(connection) && set.isEmpty()) {
            byThing.remove(thing);
        }
    }

    /** The authenticated identities of the thing's established connections. */
    synchronized Set<Principal> principalsOf(ThingId thing) {
        Set<Principal> principals = new HashSet<>();
        for (Connection connection : byThing.getOrDefault(thing, Set.of())) {
            Principal peer = connection.getEstablishedPeerIdentity();
            if (peer != null) {
                principals.add(peer);
            }
        }
        return principals;
    }

    /** After the connector terminated the thing's connections (it does not report those as removed). */
    synchronized void dropThing(ThingId thing) {
        Set<Connection> gone = byThing.remove(thing);
        if (gone != null) {
            gone.forEach(byConnection::remove);
        }
    }

    /** The thing's established connections as sessions: who, how (by its credential), and the session id. */
    synchronized List<Authenticated> sessions(ThingId thing) {
        List<Authenticated> out = new ArrayList<>();
        for (Connection connection : byThing.getOrDefault(thing, Set.of())) {
            Principal peer = connection.getEstablishedPeerIdentity();
            String mechanism = peer instanceof PreSharedKeyIdentity ? "dtls-psk"
                    : peer instanceof RawPublicKeyIdentity ? "dtls-rpk" : peer instanceof X509CertPath ? "dtls-x509"
                            : DtlsServers.DTLS_MECHANISM;
            out.add(new Authenticated(thing, Layer.TRANSPORT, mechanism, Protection.confidentiality(),
                    sessionId(connection)));
        }
        return out;
    }

    /** The session id in hex; the connection id when the session has none (the hub issues no session ids). */
    static String sessionId(Connection connection) {
        SessionId id = connection.getEstablishedSessionIdentifier();
        if (id != null && !id.isEmpty()) {
            return id.getAsString().toLowerCase(Locale.ROOT);
        }
        return connection.getConnectionId() == null ? "" : connection.getConnectionId().getAsString()
                .toLowerCase(Locale.ROOT);
    }

    synchronized int count(ThingId thing) {
        Set<Connection> set = byThing.get(thing);
        return set == null ? 0 : set.size();
    }

    synchronized int total() {
        return byConnection.size();
    }

    @Override
    public boolean onConnectionUpdatesSequenceNumbers(Connection connection, boolean writeSequenceNumber) {
        return false;
    }

    @Override
    public boolean onConnectionMacError(Connection connection) {
        guesses.macError(connection);
        // Scandium's own handling stays: the record is dropped, the connection kept.
        return false;
    }

    @Override
    public void beforeExecution(Connection connection) {
    }

    @Override
    public void updateExecution(Connection connection) {
    }

    @Override
    public void afterExecution(Connection connection) {
    }
}
