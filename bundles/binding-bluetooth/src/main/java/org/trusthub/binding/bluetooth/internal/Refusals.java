package org.trusthub.binding.bluetooth.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.link.ble.BleSecurityException;

/**
 * The binding's refusals: each is reported to {@link SecurityRefusals} (when one is registered) in the hub's
 * vocabulary, and logged at most a few times a minute per reason, because a device on the air can cause them.
 */
final class Refusals {

    /** The mechanism name the binding reports its own refusals under (pairing, policy, absent provider). */
    static final String MECHANISM = "bluetooth";
    private static final Logger LOG = LoggerFactory.getLogger(BluetoothBridgeImpl.class);

    private final Supplier<SecurityRefusals> service;
    private final LogLimiter limiter = new LogLimiter(Duration.ofMinutes(1), 5);

    Refusals(Supplier<SecurityRefusals> service) {
        this.service = service;
    }

    /**
     * Counts a refusal, unless the provider already did (a frame its session refused), and logs it; returns it
     * marked as reported for the caller to throw.
     */
    BleSecurityException refused(Optional<ThingId> thing, BleSecurityException e, String what) {
        SecurityRefusals r = service.get();
        if (r != null && !e.isReported()) {
            r.refused(thing, Layer.LINK, MECHANISM, e.reason().common());
        }
        e.reported();
        limiter.admit(e.reason().name()).ifPresent(left -> LOG.warn("Bluetooth LE {} refused ({}): {} ({} more "
                + "left out)", what, e.reason(), e.getMessage(), left));
        return e;
    }

    BleSecurityException refused(Optional<ThingId> thing, BleSecurityException.Reason reason, String message,
            String what) {
        return refused(thing, new BleSecurityException(reason, message), what);
    }
}
