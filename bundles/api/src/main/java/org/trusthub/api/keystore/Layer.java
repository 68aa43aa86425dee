package org.trusthub.api.keystore;

/** The protocol layer a security mechanism works at. Each layer gets its own keys from a thing's one root. */
public enum Layer {
    /** Link layer: IEEE 802.15.4 frame security, Bluetooth LE link encryption. */
    LINK,
    /** Network layer: ZigBee NWK and APS security, HIP DEX. */
    NETWORK,
    /** Transport layer: DTLS, TLS. */
    TRANSPORT,
    /** Application layer: OSCORE, WS-Security, COSE. */
    APPLICATION
}
