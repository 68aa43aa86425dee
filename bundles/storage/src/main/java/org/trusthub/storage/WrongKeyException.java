package org.trusthub.storage;

/** A store file was sealed under a different key than the one given. */
public class WrongKeyException extends StoreException {
    private static final long serialVersionUID = 1L;

    public WrongKeyException(String message) {
        super(message);
    }
}
