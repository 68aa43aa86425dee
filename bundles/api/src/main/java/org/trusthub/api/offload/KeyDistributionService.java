package org.trusthub.api.offload;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Pairwise keys, Kerberos style: thing A asks for a key to talk to thing B; the hub makes a fresh key and answers
 * with two envelopes, one sealed for A (bound to A's nonce) and a ticket sealed for B that A forwards, each with the
 * key's lifetime. Neither thing does Diffie-Hellman, and B needs no connection to the hub.
 */
@ProviderType
public interface KeyDistributionService {

    /**
     * Takes A's authenticated key request (COSE_Mac0) and answers with the two envelopes.
     *
     * @throws OffloadException naming the refusal; nothing is issued then
     */
    byte[] requestPairwiseKey(byte[] request);
}
