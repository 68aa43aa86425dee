package org.trusthub.storage;

import java.io.IOException;

/** A record store cannot be read or written; the message names the file and the reason. */
public class StoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
