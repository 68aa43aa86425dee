package org.trusthub.storage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Seals records before they reach the disk and opens them when read back. Each store file has a random salt; the
 * additional data binds a record to its file, epoch and position, so records cannot be moved, replayed or
 * reordered undetected.
 */
@ConsumerType
public interface RecordSealer {

    /**
     * Bytes that identify the key for this file salt without revealing it. Stored in each file header, so a wrong
     * key is told apart from a tampered file.
     */
    byte[] keyCheck(byte[] fileSalt);

    /** Seals a record. */
    byte[] seal(byte[] fileSalt, byte[] aad, byte[] plaintext);

    /**
     * Opens a sealed record.
     *
     * @throws StoreCorruptedException if the record fails authentication; the message does not say more, the
     *         caller names the file and position
     */
    byte[] open(byte[] fileSalt, byte[] aad, byte[] sealed) throws StoreCorruptedException;
}
