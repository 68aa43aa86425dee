package org.trusthub.security.transport.dtls.internal;

import java.util.Optional;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;

/**
 * Where the DTLS provider's refusals are counted: the {@link SecurityRefusals} service while there is one (it may
 * come and go), nowhere otherwise; the refusal itself happens either way. Called on handshake threads, so cheap.
 */
final class DtlsRefusals {
    private volatile SecurityRefusals service;

    void use(SecurityRefusals s) {
        service = s;
    }

    void stopUsing(SecurityRefusals s) {
        if (service == s) {
            service = null;
        }
    }

    /** Counts a refusal at the transport layer under {@code mechanism} ({@code dtls}, {@code dtls-psk}, ...). */
    void refused(Optional<ThingId> thing, String mechanism, RefusalReason reason) {
        SecurityRefusals s = service;
        if (s != null) {
            s.refused(thing, Layer.TRANSPORT, mechanism, reason);
        }
    }
}
