package org.trusthub.api.security;

import java.util.Objects;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.Mechanisms;
import org.trusthub.api.thing.ThingId;

/**
 * Who sent a message to the hub and how well it was protected, as every binding's inbound path states it,
 * whatever the protocol: the CoAP binding for a DTLS session or an OSCORE context, the DPWS binding for a
 * WS-Security signature, the ZigBee and Bluetooth bindings for a secured frame. Policy decisions, authorization and
 * the security status all start from it. Also what a {@link SecurityProvider} reports for each session it holds.
 *
 * @param thing      the thing the message is proven to come from
 * @param layer      the layer whose security proved it
 * @param mechanism  the mechanism that proved it ({@link Mechanisms}), such as {@code dtls-psk} or {@code oscore}
 * @param protection how the message was protected
 * @param session    the session or security context it belongs to (a DTLS session id, an OSCORE recipient id, a
 *                   link key's id), or empty for per-message security without a session; never key material
 */
public record Authenticated(ThingId thing, Layer layer, String mechanism, Protection protection, String session) {

    public Authenticated {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        Objects.requireNonNull(protection, "protection");
        Objects.requireNonNull(session, "session");
    }

    /** Per-message security, with no session. */
    public static Authenticated message(ThingId thing, Layer layer, String mechanism, Protection protection) {
        return new Authenticated(thing, layer, mechanism, protection, "");
    }
}
