package org.trusthub.binding.dpws.spi;

import javax.xml.namespace.QName;

/**
 * A {@link HostedService} refused a request. The message goes into the SOAP fault's Reason as it is, so it must
 * name what is wrong without key material or secrets.
 */
public class HostedServiceException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient QName subcode;

    /** A refusal with the SOAP 1.2 Sender code only. */
    public HostedServiceException(String message) {
        this(null, message);
    }

    /**
     * A refusal with a subcode (for example {@code wst:InvalidRequest} or {@code wst:FailedAuthentication} of
     * WS-Trust 1.4 section 11).
     */
    public HostedServiceException(QName subcode, String message) {
        super(message);
        this.subcode = subcode;
    }

    /** The fault subcode; null when there is none. */
    public QName subcode() {
        return subcode;
    }
}
