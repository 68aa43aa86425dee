package org.trusthub.offload.device;

import java.time.Instant;
import java.util.Arrays;

import org.trusthub.api.thing.ThingId;
import org.w3c.dom.Element;

/**
 * What a DPWS client holds after the hub issued it a security context token: the token (opaque to the client, its
 * identifier sealed for the audience) and the HMAC proof key. {@link #toString()} never shows the key.
 */
public final class SctGrant {
    final ThingId audience;
    final Element sct;
    final byte[] proofKey;
    final Instant expires;
    // The Body encryption key (HKDF of the proof key), derived on first use.
    byte[] bodyKey;

    SctGrant(ThingId audience, Element sct, byte[] proofKey, Instant expires) {
        this.audience = audience;
        this.sct = sct;
        this.proofKey = proofKey;
        this.expires = expires;
    }

    public ThingId audience() {
        return audience;
    }

    /** The {@code wsc:SecurityContextToken} element, as the client puts it into a security header. */
    public Element securityContextToken() {
        return (Element) sct.cloneNode(true);
    }

    public Instant expires() {
        return expires;
    }

    /** Wipes the proof key (and the Body key derived from it). */
    public void destroy() {
        Arrays.fill(proofKey, (byte) 0);
        if (bodyKey != null) {
            Arrays.fill(bodyKey, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "SctGrant[for " + audience + ", expires " + expires + ", key redacted]";
    }
}
