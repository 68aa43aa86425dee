package org.trusthub.api.offload;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Issues short-lived access tokens carrying a symmetric proof-of-possession key, bound to the client and to the
 * audience (the service it may use). The token is a CWT (RFC 8392) sealed as COSE_Encrypt0 (AES-CCM-16-64-128) under
 * the audience's offload token key, so the audience checks it alone, offline, with one symmetric decryption. The
 * client's copy of the key material comes wrapped under the client's key. Only OPERATIONAL things take part.
 */
@ProviderType
public interface TokenService {

    /**
     * ACE-OAuth (RFC 9200) token endpoint with the OSCORE profile (RFC 9203): takes the client's authenticated
     * token request (COSE_Mac0) and answers with the token response (CBOR map: access_token, expires_in,
     * ace_profile and the wrapped OSCORE input material).
     *
     * @throws OffloadException naming the refusal; nothing is issued then
     */
    byte[] requestToken(byte[] request);

    /**
     * WS-Trust 1.4 style issue binding for DPWS clients: a {@code wst:RequestSecurityToken} carrying the same
     * authenticated request, answered with a {@code wst:RequestSecurityTokenResponseCollection} whose
     * {@code wst:RequestedSecurityToken} holds the same CWT (as {@code wsse:BinarySecurityToken}) and whose
     * {@code wst:RequestedProofToken} holds the wrapped proof-of-possession key.
     *
     * @throws OffloadException naming the refusal; nothing is issued then
     */
    String requestSecurityToken(String requestSecurityToken);

    /** Tokens issued and not yet expired, oldest first; never their keys. */
    List<IssuedToken> issuedTokens();
}
