package org.trusthub.security.transport.dtls;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What a DTLS server connector offers.
 *
 * @param address where it listens
 * @param psk whether things may authenticate with their keystore-derived pre-shared key
 * @param rawPublicKey whether things may authenticate with the raw public key of their root certificate
 * @param x509 whether things may authenticate with a certificate chaining to a keystore trust anchor
 * @param connectionIdLength RFC 9146 connection ID length in bytes (0 turns connection IDs off)
 * @param maxConnections upper bound of connections (established and in handshake) the connector keeps
 */
public record DtlsServerOptions(InetSocketAddress address, boolean psk, boolean rawPublicKey, boolean x509,
        int connectionIdLength, int maxConnections) {

    public DtlsServerOptions {
        Objects.requireNonNull(address, "address");
        if (!psk && !rawPublicKey && !x509) {
            throw new IllegalArgumentException("a DTLS server needs at least one of PSK, raw public key or X.509");
        }
        if (connectionIdLength < 0 || connectionIdLength > 16) {
            throw new IllegalArgumentException("connection ID length must be 0 to 16 bytes, not " + connectionIdLength);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, not " + maxConnections);
        }
    }

    /** Every credential type, 6-byte connection IDs, at most 10000 connections. */
    public static DtlsServerOptions all(InetSocketAddress address) {
        return new DtlsServerOptions(address, true, true, true, 6, 10_000);
    }
}
