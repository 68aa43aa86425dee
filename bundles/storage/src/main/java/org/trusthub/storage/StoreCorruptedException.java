package org.trusthub.storage;

/**
 * A store file is truncated, bit-flipped or tampered with. The store refuses to open rather than guess; the file is
 * left as found so an operator can inspect it or restore a backup.
 */
public class StoreCorruptedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreCorruptedException(String message) {
        super(message);
    }
}
