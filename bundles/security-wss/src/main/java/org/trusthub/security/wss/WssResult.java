package org.trusthub.security.wss;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;

/**
 * What protected one message.
 *
 * @param signed whether Body, Timestamp and addressing headers were signed
 * @param encrypted whether the Body was encrypted
 * @param signer the thing that sent it, authenticated by its signature or, when unsigned, by its UsernameToken (on
 *        verification; empty when neither, or when the hub secured the message)
 * @param signerCertificate the certificate of the signer
 * @param username the UsernameToken's user name, if one was present
 * @param created the Timestamp's creation time, if one was present
 * @param context the identifier of the security context token the message was signed under, if it was
 */
public record WssResult(boolean signed, boolean encrypted, Optional<ThingId> signer,
        Optional<X509Certificate> signerCertificate, Optional<String> username, Optional<Instant> created,
        Optional<String> context) {

    /** Nothing applied or found. */
    public static final WssResult NONE = new WssResult(false, false, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    public WssResult {
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(signerCertificate, "signerCertificate");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(context, "context");
    }

    /**
     * Who sent the verified message and how well it was protected: a signed message is integrity end to end, a signed
     * and encrypted one confidentiality end to end (WS-Security reaches through every SOAP intermediary); a sender
     * known only by its UsernameToken is authenticated but its message is not protected. Empty when no thing is
     * named.
     */
    public Optional<Authenticated> authenticated() {
        if (signer.isEmpty()) {
            return Optional.empty();
        }
        String mechanism = context.isPresent() ? WsSecurity.SCT : signed ? WsSecurity.X509 : WsSecurity.USERNAME;
        Protection protection = !signed ? Protection.NONE
                : encrypted ? Protection.confidentiality().endToEnd() : Protection.integrity().endToEnd();
        return Optional.of(new Authenticated(signer.get(), Layer.APPLICATION, mechanism, protection,
                context.orElse("")));
    }

    /** "signed+encrypted", "signed", "encrypted" or "none": the words the shell prints. */
    public String label() {
        if (signed && encrypted) {
            return "signed+encrypted";
        }
        return signed ? "signed" : encrypted ? "encrypted" : "none";
    }
}
