/**
 * WS-SecureConversation security context tokens whose proof key a receiving thing recovers alone, offline: a
 * requester signs SOAP messages with HMAC-SHA256 under the proof key it got from a token service (WS-Trust), with
 * the {@code wsc:SecurityContextToken} in the message's security header
 * ({@link org.trusthub.security.wss.sct.SctSigner}); the receiver recovers the key from the token with symmetric
 * crypto through a {@link org.trusthub.security.wss.sct.SecurityContextResolver} and checks the signature, the
 * token's audience and lifetime, and replay ({@link org.trusthub.security.wss.sct.SctVerifier}). No public-key
 * operation on either side. The receiver signs its reply with the same proof key
 * ({@link org.trusthub.security.wss.sct.SctSigner#signReply}), which the requester checks with
 * {@link org.trusthub.security.wss.sct.SctVerifier#verifyReply}. Built on WSS4J (DOM).
 */
@Export
@Version("1.2.0")
package org.trusthub.security.wss.sct;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
