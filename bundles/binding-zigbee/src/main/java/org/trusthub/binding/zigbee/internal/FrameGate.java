package org.trusthub.binding.zigbee.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.binding.zigbee.internal.TrustCenter.Member;
import org.trusthub.security.network.zigbee.ApsHeader;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeFrame;
import org.trusthub.security.network.zigbee.ZigbeeIds;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;

/**
 * What gets through to the hub, frame by frame: a frame from the air is opened (NWK, then APS), taken only from a
 * device the trust center admitted and only while it is OPERATIONAL, and held to the security policy's inbound
 * requirement for it; what the hub sends a device is held to the outbound one. The trust center decides who is in;
 * this gate applies that to every frame. Every refusal is counted and logged (rate-limited).
 */
final class FrameGate {

    /** What the hub's own frames to a device carry: NWK security, hop by hop. */
    static final Protection OUTBOUND = Protection.confidentiality();

    private static final Logger LOG = LoggerFactory.getLogger(FrameGate.class);

    /**
     * An accepted frame from an admitted device, with who sent it and how well it was protected: NWK-secured is
     * confidentiality hop by hop, an APS-secured payload confidentiality end to end.
     */
    record Inbound(NwkHeader nwk, ApsHeader aps, byte[] payload, Authenticated from) {
        ThingId thing() {
            return from.thing();
        }
    }

    private final TrustCenter trustCenter;
    private final ThingRegistry registry;
    private final SecurityServices services;
    private final InboundSecurity inbound;
    private final ThingId network;
    private final LogLimiter moveLog = new LogLimiter(Duration.ofSeconds(10), 1);

    FrameGate(TrustCenter trustCenter, ThingRegistry registry, SecurityServices services, ThingId network) {
        this.trustCenter = trustCenter;
        this.registry = registry;
        this.services = services;
        this.inbound = new InboundSecurity(services);
        this.network = network;
    }

    /**
     * Opens a frame from the air: NWK security, admission, the APS layer (APS security when the frame carries it), then
     * the policy's inbound requirement for the sender. Null if refused; every refusal is counted and logged
     * (rate-limited). While a provider or the policy is absent, frames are refused as not operational.
     */
    Inbound openFromDevice(byte[] bytes) {
        ZigbeeNwkSecurity nwkSecurity;
        try {
            nwkSecurity = services.nwk();
        } catch (SecurityServices.Absent e) {
            services.refuse(Optional.empty(), SecurityServices.MECHANISM, RefusalReason.NOT_OPERATIONAL,
                    "no-nwk-provider", "ZigBee frame refused: " + e.getMessage());
            return null;
        }
        ZigbeeFrame<NwkHeader> nwk;
        Member[] admitted = new Member[1];
        try {
            // Admitted before the provider records the frame's counter: a made-up sender leaves no replay mark.
            nwk = nwkSecurity.unprotect(network, bytes, frame -> (admitted[0] = admit(frame)) != null);
        } catch (ZigbeeSecurityException e) {
            return null; // counted and logged by the provider, or by admit
        }
        Member m = admitted[0];
        // An address other than the one the trust center has for the device, or any after a restart: a claim until
        // the frame proves more than the network key (see moves).
        boolean elsewhere = m.nwk != nwk.header().src();
        if (nwk.header().frameType() != 0) {
            // NWK commands carry no application data: policy applies to what reaches the application
            return new Inbound(nwk.header(), null, new byte[0], Authenticated.message(m.thing, Layer.NETWORK,
                    ZigbeeNwkSecurity.MECHANISM, Protection.confidentiality()));
        }
        long source = nwk.aux().source();
        InboundSecurity.Opened opened = inbound.open(m, nwk.payload(), source);
        if (opened == null) {
            return null;
        }
        ZigbeeFrame<ApsHeader> aps = opened.aps();
        Authenticated from = opened.from();
        boolean joining = m.pending && aps.header().profile() == Zcl.PROFILE_ZDO
                && aps.header().cluster() == Zcl.ZDO_DEVICE_ANNOUNCE;
        if (!joining && !operational(m.thing)) {
            // In the network still (maintenance keeps its place and the key), but nothing it sends is taken.
            services.refuse(Optional.of(m.thing), SecurityServices.MECHANISM, RefusalReason.NOT_OPERATIONAL,
                    "not-operational", "ZigBee frame from " + m.thing + " refused: the thing is not OPERATIONAL");
            return null;
        }
        // A joining device's announce completes the join whatever the policy: admission is the join policy's.
        if (!joining && !inbound.meetsPolicy(m, from)) {
            return null;
        }
        if (joining) {
            trustCenter.completeJoin(m);
        } else {
            m.accepted = from;
        }
        if (elsewhere && moves(nwk, aps, from)) {
            moved(m, nwk.header().src(), from);
        }
        return new Inbound(nwk.header(), aps.header(), aps.payload(), from);
    }

    /**
     * The member an authentic frame comes from, if the trust center has it in the network (or joining) at the frame's
     * address; null, counted, otherwise. A joined device's frame from another address is let through to be opened,
     * and moves the device only if it proves more than the network key ({@link #moves}); after a restart, when the
     * address is not known yet, a joined device's frames are taken from any address for what they are (a claim any
     * holder of the network key can make, like every NWK-only frame) without moving it.
     */
    private Member admit(ZigbeeFrame<NwkHeader> frame) {
        long source = frame.aux().source();
        int src = frame.header().src();
        Member m = trustCenter.memberByIeee(source);
        if (m != null && (m.nwk == src && (m.joined || m.pending) || m.joined && (m.nwk == -1 || claimsMove(frame)))) {
            return m;
        }
        services.refuse(Optional.of(ZigbeeIds.device(source)), SecurityServices.MECHANISM,
                RefusalReason.NOT_OPERATIONAL, "not-admitted", String.format("ZigBee frame from %016x (0x%s) refused:"
                        + " not an admitted device at that address", source, Integer.toHexString(src)));
        return null;
    }

    /** Whether a frame from another address may move the device once opened: an announce or APS-secured. */
    private static boolean claimsMove(ZigbeeFrame<NwkHeader> frame) {
        if (frame.header().frameType() != 0) {
            return false;
        }
        try {
            ZigbeeFrame<ApsHeader> aps = ZigbeeCodec.parseAps(frame.payload());
            return aps.secured() || announces(frame, aps);
        } catch (ZigbeeSecurityException e) {
            return false;
        }
    }

    /**
     * Whether an opened frame may move its device to the frame's address: only what the ZigBee specification takes
     * an address change from, a device announce naming that address and the device's IEEE address, or a frame
     * APS-secured under the device's own link key. Joins and rejoins set the address in the trust center itself.
     * Any other frame would let any device holding the network key (every device of the network) name another
     * device's IEEE address and take its traffic or cut it off.
     */
    private static boolean moves(ZigbeeFrame<NwkHeader> nwk, ZigbeeFrame<ApsHeader> aps, Authenticated from) {
        return ZigbeeApsSecurity.MECHANISM.equals(from.mechanism()) || announces(nwk, aps);
    }

    /** A device announce (ZDO 0x0013) whose NWK and IEEE addresses are the frame's own. */
    private static boolean announces(ZigbeeFrame<NwkHeader> nwk, ZigbeeFrame<ApsHeader> aps) {
        byte[] p = aps.payload();
        if (aps.secured() || aps.header().profile() != Zcl.PROFILE_ZDO
                || aps.header().cluster() != Zcl.ZDO_DEVICE_ANNOUNCE || p.length < 11) {
            return false;
        }
        int address = (p[1] & 0xFF) | (p[2] & 0xFF) << 8;
        long ieee = 0;
        for (int i = 7; i >= 0; i--) {
            ieee = ieee << 8 | (p[3 + i] & 0xFF);
        }
        return address == nwk.header().src() && ieee == nwk.aux().source();
    }

    private void moved(Member m, int address, Authenticated from) {
        int before = m.nwk;
        m.nwk = address;
        // Any device holding the network key can announce: rate-limited.
        moveLog.admit("moved").ifPresent(left -> LOG.info("ZigBee device {} is at NWK 0x{} now ({}), by {}{}", m.thing,
                Integer.toHexString(address), before == -1 ? "unknown since a restart" : "was 0x"
                        + Integer.toHexString(before), ZigbeeApsSecurity.MECHANISM.equals(from.mechanism())
                                ? "a frame under its link key" : "its device announce",
                left > 0 ? " (" + left + " similar left out)" : ""));
        if (before == -1) {
            trustCenter.heardAgain(m);
        }
    }

    /**
     * Who hears of a device whose frames come under less than the security policy requires of it now (a frame
     * refused for it, or a read or write found it so): the model's values of it go UNAVAILABLE.
     */
    void onBelowPolicy(Consumer<ThingId> listener) {
        inbound.onBelowPolicy(listener);
    }

    private boolean operational(ThingId thing) {
        try {
            return registry.find(thing).map(Thing::state).filter(st -> st == LifecycleState.OPERATIONAL).isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Why values of a device cannot be read or written under the policy now: its frames come under a protection
     * below what the policy requires of it, so its answers would be refused; empty when nothing stands against it
     * (including a device not heard from yet, whose answers are checked as they come).
     */
    Optional<String> policyRefusal(ThingId thing) {
        Optional<String> in = inbound.policyRefusal(thing, trustCenter.member(thing).map(m -> m.offered).orElse(null));
        return in.isPresent() ? in : outboundRefusal(thing);
    }

    /**
     * Why the hub may not send the device commands or requests under the policy now: what it sends goes under NWK
     * security alone (confidentiality hop by hop), so a requirement above that cannot be met. Counted.
     */
    private Optional<String> outboundRefusal(ThingId thing) {
        Protection required;
        try {
            required = services.outbound(thing);
        } catch (SecurityServices.Absent e) {
            return Optional.of(e.getMessage());
        }
        if (OUTBOUND.satisfies(required)) {
            return Optional.empty();
        }
        String why = "the security policy requires " + required + " of what the hub sends ZigBee device " + thing
                + ", and the hub sends under " + OUTBOUND + " (NWK security) only: nothing is sent";
        services.refuse(Optional.of(thing), SecurityServices.MECHANISM, RefusalReason.POLICY, "policy-out",
                "ZigBee command to " + thing + " refused: " + why);
        return Optional.of(why);
    }
}
