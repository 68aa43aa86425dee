package org.trusthub.security.link.ccm;

import java.security.GeneralSecurityException;

/** The message integrity code of a received frame does not match: the frame was altered or the key is wrong. */
public final class MicFailureException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public MicFailureException(String message) {
        super(message);
    }
}
