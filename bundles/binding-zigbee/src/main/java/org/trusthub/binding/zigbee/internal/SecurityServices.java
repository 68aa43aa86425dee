package org.trusthub.binding.zigbee.internal;

import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;

/**
 * The security services the bridge works with, as they are now: the NWK and APS providers, the policy and the refusal
 * count, each of which may come, go or be replaced while the network runs (the component's dynamic references set
 * them). Whoever needs one asks at the moment it decides; while one is absent, what needs it is refused and counted.
 */
final class SecurityServices {

    /** The binding's own mechanism name, for refusals it decides itself (admission, policy, absent providers). */
    static final String MECHANISM = "zigbee";
    /** What the refusal count calls an operation the dongle did not carry out (its firmware or driver refused). */
    static final String DONGLE_MECHANISM = "zigbee-dongle";
    static final String PROTOCOL = "zigbee";

    private static final Logger LOG = LoggerFactory.getLogger(SecurityServices.class);

    private volatile ZigbeeNwkSecurity nwk;
    private volatile ZigbeeApsSecurity aps;
    private volatile SecurityPolicy policy;
    private volatile SecurityRefusals refusals;
    // What refuses traffic can be triggered by anyone in radio range: one line per reason every 10 s.
    private final LogLimiter log = new LogLimiter(Duration.ofSeconds(10), 1);

    /** A service the traffic needs is not there now. */
    static final class Absent extends Exception {
        private static final long serialVersionUID = 1L;

        Absent(String what) {
            super(what + " is not available (being replaced or not installed): ZigBee traffic that needs it is"
                    + " refused until it is back");
        }
    }

    static SecurityServices of(ZigbeeNwkSecurity nwk, ZigbeeApsSecurity aps, SecurityPolicy policy,
            SecurityRefusals refusals) {
        SecurityServices s = new SecurityServices();
        s.nwk = nwk;
        s.aps = aps;
        s.policy = policy;
        s.refusals = refusals;
        return s;
    }

    void setNwk(ZigbeeNwkSecurity s) {
        nwk = s;
    }

    void unsetNwk(ZigbeeNwkSecurity s) {
        if (nwk == s) {
            nwk = null;
        }
    }

    void setAps(ZigbeeApsSecurity s) {
        aps = s;
    }

    void unsetAps(ZigbeeApsSecurity s) {
        if (aps == s) {
            aps = null;
        }
    }

    void setPolicy(SecurityPolicy s) {
        policy = s;
    }

    void unsetPolicy(SecurityPolicy s) {
        if (policy == s) {
            policy = null;
        }
    }

    void setRefusals(SecurityRefusals s) {
        refusals = s;
    }

    void unsetRefusals(SecurityRefusals s) {
        if (refusals == s) {
            refusals = null;
        }
    }

    boolean providersPresent() {
        return nwk != null && aps != null;
    }

    /** The NWK provider for an operator's action or the join path, whose caller reports its absence as an error. */
    ZigbeeNwkSecurity requireNwk() {
        try {
            return nwk();
        } catch (Absent e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** The APS provider for an operator's action or the join path, whose caller reports its absence as an error. */
    ZigbeeApsSecurity requireAps() {
        try {
            return aps();
        } catch (Absent e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    ZigbeeNwkSecurity nwk() throws Absent {
        ZigbeeNwkSecurity s = nwk;
        if (s == null) {
            throw new Absent("the ZigBee NWK security provider");
        }
        return s;
    }

    ZigbeeApsSecurity aps() throws Absent {
        ZigbeeApsSecurity s = aps;
        if (s == null) {
            throw new Absent("the ZigBee APS security provider");
        }
        return s;
    }

    /** The protection the policy requires of what a device sends; fails closed while there is no policy. */
    Protection inbound(ThingId thing) throws Absent {
        SecurityPolicy p = policy;
        if (p == null) {
            throw new Absent("the security policy");
        }
        return p.inbound(thing, PROTOCOL);
    }

    /** The protection the policy requires of what the hub sends a device; fails closed while there is no policy. */
    Protection outbound(ThingId thing) throws Absent {
        SecurityPolicy p = policy;
        if (p == null) {
            throw new Absent("the security policy");
        }
        return p.outbound(thing, PROTOCOL);
    }

    /** Counts a refusal whose caller logs it itself (operator actions, said once each). */
    void count(Optional<ThingId> thing, String mechanism, RefusalReason reason) {
        SecurityRefusals r = refusals;
        if (r != null) {
            r.refused(thing, Layer.NETWORK, mechanism, reason);
        }
    }

    /**
     * Counts a refusal the binding decided and logs it, rate-limited per kind; the text must say what was refused
     * without key material.
     *
     * @param kind what is limited together in the log, such as {@code not-admitted}
     */
    void refuse(Optional<ThingId> thing, String mechanism, RefusalReason reason, String kind, String text) {
        count(thing, mechanism, reason);
        log.admit(kind).ifPresent(held -> LOG.info("{}{}", text,
                held > 0 ? " (" + held + " more such refusals not logged)" : ""));
    }
}
