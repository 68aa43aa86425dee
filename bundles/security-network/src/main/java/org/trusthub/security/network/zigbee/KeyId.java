package org.trusthub.security.network.zigbee;

/** The key identifier of the ZigBee security control field (ZigBee specification 4.5.1.1.2). */
public enum KeyId {
    /** A link key (APS data key). */
    DATA_KEY,
    /** The network key; the auxiliary header then carries its key sequence number. */
    NETWORK_KEY,
    /** The key-transport key, the keyed hash of a link key with 0x00. */
    KEY_TRANSPORT_KEY,
    /** The key-load key, the keyed hash of a link key with 0x02. */
    KEY_LOAD_KEY;

    /** The key this identifier uses, derived from a link key (the link key itself for {@link #DATA_KEY}). */
    public byte[] fromLinkKey(byte[] linkKey) {
        return switch (this) {
            case DATA_KEY -> linkKey.clone();
            case KEY_TRANSPORT_KEY -> MmoHash.hmac(linkKey, new byte[] {0x00});
            case KEY_LOAD_KEY -> MmoHash.hmac(linkKey, new byte[] {0x02});
            case NETWORK_KEY -> throw new IllegalArgumentException("the network key is not derived from a link key");
        };
    }
}
