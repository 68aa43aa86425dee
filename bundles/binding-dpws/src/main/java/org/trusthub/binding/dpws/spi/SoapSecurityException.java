package org.trusthub.binding.dpws.spi;

/**
 * A SOAP message failed (or could not be given) its protection. The message says what is wrong without key
 * material; {@link #faultCode()} is the qualified WS-Security fault code the binding puts into its SOAP fault.
 */
public class SoapSecurityException extends Exception {

    private static final long serialVersionUID = 1L;

    /** WS-Security 1.1 fault codes (namespace wsse, OASIS 200401 secext). */
    public static final String UNSUPPORTED_SECURITY_TOKEN = "wsse:UnsupportedSecurityToken";
    public static final String UNSUPPORTED_ALGORITHM = "wsse:UnsupportedAlgorithm";
    public static final String INVALID_SECURITY = "wsse:InvalidSecurity";
    public static final String INVALID_SECURITY_TOKEN = "wsse:InvalidSecurityToken";
    public static final String FAILED_AUTHENTICATION = "wsse:FailedAuthentication";
    public static final String FAILED_CHECK = "wsse:FailedCheck";
    public static final String SECURITY_TOKEN_UNAVAILABLE = "wsse:SecurityTokenUnavailable";
    public static final String MESSAGE_EXPIRED = "wsse:MessageExpired";

    private final String faultCode;

    public SoapSecurityException(String faultCode, String message) {
        super(message);
        this.faultCode = faultCode;
    }

    public SoapSecurityException(String faultCode, String message, Throwable cause) {
        super(message, cause);
        this.faultCode = faultCode;
    }

    /** One of the wsse fault codes above. */
    public String faultCode() {
        return faultCode;
    }
}
