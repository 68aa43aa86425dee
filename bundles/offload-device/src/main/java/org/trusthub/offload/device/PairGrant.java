package org.trusthub.offload.device;

import java.time.Instant;

import org.trusthub.api.thing.ThingId;

/**
 * What thing A holds after the hub answered its pairwise key request: the channel to B and the ticket to forward to
 * B (sealed for B; A cannot read it).
 */
public record PairGrant(ThingId peer, SecureChannel channel, byte[] ticket, Instant expires) {
    @Override
    public String toString() {
        return "PairGrant[" + peer + ", expires " + expires + ", keys redacted]";
    }
}
