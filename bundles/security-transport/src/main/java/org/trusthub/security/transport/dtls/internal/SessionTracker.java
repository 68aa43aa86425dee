package org.trusthub.security.transport.dtls.internal;

import java.security.Principal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    private final Map<ThingId, Set<Connection>> byThing = new ConcurrentHashMap<>();
    private final Map<Connection, ThingId> byConnection = new ConcurrentHashMap<>();
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
            ThingId previous = byConnection.put(connection, thing.get());
            if (previous != null && !previous.equals(thing.get())) {
                remove(previous, connection);
            }
            byThing.computeIfAbsent(thing.get(), t -> ConcurrentHashMap.newKeySet()).add(connection);
        }
    }

    @Override
    public void onConnectionRemoved(Connection connection) {
        guesses.done(connection);
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
        byThing.computeIfPresent(thing, (t, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    /** The authenticated identities of the thing's established connections. */
    Set<Principal> principalsOf(ThingId thing) {
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
    void dropThing(ThingId thing) {
        Set<Connection> gone = byThing.remove(thing);
        if (gone != null) {
            gone.forEach(byConnection::remove);
        }
    }

    /** The thing's established connections as sessions: who, how (by its credential), and the session id. */
    List<Authenticated> sessions(ThingId thing) {
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

    int count(ThingId thing) {
        Set<Connection> set = byThing.get(thing);
        return set == null ? 0 : set.size();
    }

    int total() {
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
