package org.trusthub.binding.dpws.internal;

/** An incoming message that is not acted on: not well-formed, too big, forbidden XML features, wrong shape. */
public class MalformedMessageException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
