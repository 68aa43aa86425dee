package org.trusthub.api.offload;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Checks a signature and its certificate chain for a thing that cannot (path, validity, revocation lists, algorithm
 * allow-list, with Bouncy Castle against the keystore's trust anchors) and answers with a verdict MAC'd under the
 * thing's verdict key and bound to the thing's fresh nonce and to a digest of what was asked.
 */
@ProviderType
public interface VerificationService {

    /**
     * Takes the thing's authenticated verification request (COSE_Mac0) and answers with the verdict (COSE_Mac0). A
     * signature or chain that does not verify is a verdict ({@code valid = false} with the reason), not a refusal.
     *
     * @throws OffloadException when the request itself is refused (forged, replayed, not operational, malformed)
     */
    byte[] verify(byte[] request);
}
