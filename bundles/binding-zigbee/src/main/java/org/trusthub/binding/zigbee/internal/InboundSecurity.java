package org.trusthub.binding.zigbee.internal;

import java.util.Optional;
import java.util.function.Consumer;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.network.zigbee.ApsHeader;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeFrame;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;

/**
 * What an admitted device's frame proves beyond its NWK security: the APS layer (opened with the device's link key when
 * it carries APS security), who sent it and how well it was protected, and whether the security policy accepts that
 * from this device now. Every refusal is counted and logged (rate-limited) through {@link SecurityServices}.
 */
final class InboundSecurity {

    /** The APS frame of an accepted NWK frame, and who it proves sent it. */
    record Opened(ZigbeeFrame<ApsHeader> aps, Authenticated from) {
    }

    private final SecurityServices services;
    /** Told of a device whose frame the policy refused: its values in the model go UNAVAILABLE. */
    private volatile Consumer<ThingId> belowPolicy = thing -> {
    };

    InboundSecurity(SecurityServices services) {
        this.services = services;
    }

    /** Who hears of a device whose frames come under less than the policy now requires of it. */
    void onBelowPolicy(Consumer<ThingId> listener) {
        belowPolicy = listener;
    }

    /**
     * The APS frame inside an admitted device's NWK-secured payload: NWK security alone is confidentiality hop by hop,
     * an APS-secured frame confidentiality end to end. Null if refused.
     */
    Opened open(TrustCenter.Member m, byte[] payload, long source) {
        ZigbeeFrame<ApsHeader> aps;
        try {
            aps = ZigbeeCodec.parseAps(payload);
        } catch (ZigbeeSecurityException e) {
            services.refuse(Optional.of(m.thing), ZigbeeApsSecurity.MECHANISM, e.reason().common(), "aps-malformed",
                    "ZigBee APS frame from " + m.thing + " refused: " + e.getMessage());
            return null;
        }
        if (!aps.secured()) {
            return new Opened(aps, Authenticated.message(m.thing, Layer.NETWORK, ZigbeeNwkSecurity.MECHANISM,
                    Protection.confidentiality()));
        }
        try {
            return new Opened(services.aps().unprotect(m.thing, payload, source), Authenticated.message(m.thing,
                    Layer.NETWORK, ZigbeeApsSecurity.MECHANISM, Protection.confidentiality().endToEnd()));
        } catch (SecurityServices.Absent e) {
            services.refuse(Optional.of(m.thing), SecurityServices.MECHANISM, RefusalReason.NOT_OPERATIONAL,
                    "no-aps-provider", "ZigBee APS-secured frame refused: " + e.getMessage());
            return null;
        } catch (ZigbeeSecurityException e) {
            return null; // counted and logged by the provider
        }
    }

    /**
     * Whether the policy's inbound requirement for the device, asked now, accepts what the frame proves; fails closed
     * while there is no policy. Records what the device offered, for {@link #policyRefusal}.
     */
    boolean meetsPolicy(TrustCenter.Member m, Authenticated from) {
        Protection required;
        try {
            required = services.inbound(m.thing);
        } catch (SecurityServices.Absent e) {
            services.refuse(Optional.of(m.thing), SecurityServices.MECHANISM, RefusalReason.NOT_OPERATIONAL,
                    "no-policy", "ZigBee frame from " + m.thing + " refused: " + e.getMessage());
            return false;
        }
        m.offered = from.protection();
        if (!from.protection().satisfies(required)) {
            // What the model holds of it came under the same protection: no longer good enough either.
            belowPolicy.accept(m.thing);
            services.refuse(Optional.of(m.thing), SecurityServices.MECHANISM, RefusalReason.POLICY, "policy",
                    "ZigBee frame from " + m.thing + " refused: it came under " + from.protection() + " ("
                            + from.mechanism() + ") and the policy requires " + required);
            return false;
        }
        return true;
    }

    /**
     * Why values of a device cannot be read or written under the policy now: its frames come under a protection
     * below what the policy requires of it, so its answers would be refused (and its values in the model go
     * UNAVAILABLE); empty when nothing stands against it (including a device not heard from yet, whose answers are
     * checked as they come).
     *
     * @param offered the protection of the device's last authentic frame, or null
     */
    Optional<String> policyRefusal(ThingId thing, Protection offered) {
        Protection required;
        try {
            required = services.inbound(thing);
        } catch (SecurityServices.Absent e) {
            return Optional.of(e.getMessage());
        }
        if (offered == null || offered.satisfies(required)) {
            return Optional.empty();
        }
        belowPolicy.accept(thing);
        return Optional.of("ZigBee device " + thing + " reports under " + offered + " and the security policy requires"
                + " " + required + " of it: its values are refused");
    }
}
