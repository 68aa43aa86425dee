package org.trusthub.binding.dpws.internal;

import org.trusthub.api.security.Protection;

/**
 * Which WS-Security protections a SOAP message carried, in the words the shell prints.
 *
 * @param signed   the body and the addressing headers are signed, with a signed timestamp
 * @param encrypted the body is encrypted
 */
public record SoapProtection(boolean signed, boolean encrypted) {

    /** Neither signed nor encrypted. */
    public static final SoapProtection NONE = new SoapProtection(false, false);

    /** What a message with {@code p} carried: signed from integrity up, encrypted with confidentiality. */
    public static SoapProtection of(Protection p) {
        return new SoapProtection(p.level() != Protection.Level.NONE,
                p.level() == Protection.Level.CONFIDENTIALITY);
    }

    /** Whether this protection includes everything {@code required} asks for. */
    public boolean covers(SoapProtection required) {
        return (signed || !required.signed) && (encrypted || !required.encrypted);
    }

    /** "signed+encrypted", "signed", "encrypted" or "none": the words the shell prints. */
    public String label() {
        if (signed && encrypted) {
            return "signed+encrypted";
        }
        return signed ? "signed" : encrypted ? "encrypted" : "none";
    }
}
