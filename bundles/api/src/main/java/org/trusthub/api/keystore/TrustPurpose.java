package org.trusthub.api.keystore;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a trust anchor may vouch for. An anchor serves only the purposes it was added with, and each path that uses
 * anchors asks for its own purpose: a CA trusted to sign firmware does not make things, and a CA that issues DTLS
 * identities does not vouch for firmware.
 *
 * @since 1.3
 */
public enum TrustPurpose {
    /** Thing identities in DTLS handshakes (X.509 certificate chains). */
    DTLS("dtls"),
    /** Thing identities on TLS (HTTPS) connections, either side. */
    TLS("tls"),
    /** Signers of WS-Security messages. */
    WSS("wss"),
    /** Code signing: signatures that verification offload judges (firmware images). */
    FIRMWARE("firmware"),
    /** Vendor device attestation (reserved: no path uses it yet). */
    ATTESTATION("attestation");

    /**
     * What an anchor stored before anchors had purposes keeps serving: the identity purposes it served, never
     * firmware.
     */
    public static final Set<TrustPurpose> MIGRATED = Collections.unmodifiableSet(EnumSet.of(DTLS, TLS, WSS));

    private final String id;

    TrustPurpose(String id) {
        this.id = id;
    }

    /** The name used in the shell and in the keystore. */
    public String id() {
        return id;
    }

    /**
     * The purpose of that name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the purposes there are
     */
    public static TrustPurpose of(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (TrustPurpose p : values()) {
            if (p.id.equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown trust anchor purpose '" + printable(id) + "': use one of "
                + Arrays.stream(values()).map(TrustPurpose::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
