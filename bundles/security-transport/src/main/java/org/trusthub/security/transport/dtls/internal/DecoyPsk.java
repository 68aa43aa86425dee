package org.trusthub.security.transport.dtls.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.trusthub.security.transport.dtls.ThingPsk;

/**
 * The key a PSK identity gets when it names no operational thing: an HMAC of the identity under a secret of this hub
 * process, shaped like a real key ({@link ThingPsk#KEY_LENGTH} bytes as hex text). The handshake then goes on and
 * fails at the Finished message exactly as with a wrong key, so a client cannot tell an unknown identity from a
 * known one; the same identity always gets the same decoy, so repeating it tells nothing either.
 */
final class DecoyPsk {
    private static final String HMAC = "HmacSHA256";
    private final SecretKeySpec secret;

    DecoyPsk() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.secret = new SecretKeySpec(random, HMAC);
        Arrays.fill(random, (byte) 0);
    }

    /** The decoy for these identity bytes; the caller wipes it after use. */
    byte[] of(byte[] identity) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(secret);
            byte[] full = mac.doFinal(identity);
            byte[] key = Arrays.copyOf(full, ThingPsk.KEY_LENGTH);
            Arrays.fill(full, (byte) 0);
            byte[] text = HexFormat.of().formatHex(key).getBytes(StandardCharsets.US_ASCII);
            Arrays.fill(key, (byte) 0);
            return text;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
        }
    }
}
