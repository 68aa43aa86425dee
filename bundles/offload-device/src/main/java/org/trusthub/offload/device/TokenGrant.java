package org.trusthub.offload.device;

import java.time.Instant;

import org.trusthub.api.thing.ThingId;

/**
 * What a client holds after the hub granted it a token: the token (opaque to the client, sealed for the audience)
 * and the OSCORE input material it shares with the audience. {@link #toString()} never shows the material.
 */
public final class TokenGrant {
    final ThingId audience;
    final byte[] token;
    final byte[] oscId;
    final byte[] masterSecret;
    final byte[] masterSalt;
    final Instant expires;
    final String tokenId;
    byte[] nonce1;

    TokenGrant(ThingId audience, byte[] token, byte[] oscId, byte[] masterSecret, byte[] masterSalt, Instant expires,
            String tokenId) {
        this.audience = audience;
        this.token = token;
        this.oscId = oscId;
        this.masterSecret = masterSecret;
        this.masterSalt = masterSalt;
        this.expires = expires;
        this.tokenId = tokenId;
    }

    public ThingId audience() {
        return audience;
    }

    /** The access token as the audience will receive it (COSE_Encrypt0). */
    public byte[] token() {
        return token.clone();
    }

    public Instant expires() {
        return expires;
    }

    /** The token's {@code cti}, hex. */
    public String tokenId() {
        return tokenId;
    }

    @Override
    public String toString() {
        return "TokenGrant[" + tokenId + " for " + audience + ", expires " + expires + ", keys redacted]";
    }
}
