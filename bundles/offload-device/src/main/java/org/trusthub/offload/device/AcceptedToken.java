package org.trusthub.offload.device;

import org.trusthub.api.thing.ThingId;

/**
 * What the audience of a token holds after checking it offline: who the client is, what it may do, the reply to send
 * it (the audience's nonce) and the channel to it.
 */
public record AcceptedToken(ThingId client, String scope, String tokenId, byte[] reply, SecureChannel channel) {
    @Override
    public String toString() {
        return "AcceptedToken[" + tokenId + " from " + client + ", scope " + scope + "]";
    }
}
