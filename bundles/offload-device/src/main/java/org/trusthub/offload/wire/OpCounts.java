package org.trusthub.offload.wire;

/**
 * A snapshot of a device's work: cryptographic operations by kind and bytes on the air.
 */
public record OpCounts(long publicKey, long symmetric, long hash, long bytesSent, long bytesReceived) {

    /** The operations of one kind. */
    public long of(CryptoKind kind) {
        return switch (kind) {
            case PUBLIC_KEY -> publicKey;
            case SYMMETRIC -> symmetric;
            case HASH -> hash;
        };
    }

    /** What happened between {@code earlier} and this snapshot. */
    public OpCounts minus(OpCounts earlier) {
        return new OpCounts(publicKey - earlier.publicKey, symmetric - earlier.symmetric, hash - earlier.hash,
                bytesSent - earlier.bytesSent, bytesReceived - earlier.bytesReceived);
    }

    @Override
    public String toString() {
        return "public-key " + publicKey + ", symmetric " + symmetric + ", hash " + hash + ", sent " + bytesSent
                + " B, received " + bytesReceived + " B";
    }
}
