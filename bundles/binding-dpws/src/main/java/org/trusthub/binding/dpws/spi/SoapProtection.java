package org.trusthub.binding.dpws.spi;

/**
 * Which protections a SOAP message has (or a policy requires).
 *
 * @param signed   the body and the addressing headers are signed, with a signed timestamp
 * @param encrypted the body is encrypted
 */
public record SoapProtection(boolean signed, boolean encrypted) {

    /** Neither signed nor encrypted. */
    public static final SoapProtection NONE = new SoapProtection(false, false);

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
