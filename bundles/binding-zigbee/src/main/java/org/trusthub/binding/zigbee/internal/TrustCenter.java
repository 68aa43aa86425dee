package org.trusthub.binding.zigbee.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.zigbee.spi.JoinPolicy;
import org.trusthub.binding.zigbee.spi.ZigbeeDevice;
import org.trusthub.security.network.zigbee.InstallCode;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeIds;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;

/**
 * The hub as the ZigBee network's trust center: who may join (policy, permit-join window, commissioning with install
 * codes), carrying the network key to a joining device under its link key, admitting only frames from admitted
 * devices, rotating the network key, and decommissioning. Every key comes from the keystore through the NWK and APS
 * security providers; this class never keeps key bytes beyond one send.
 */
final class TrustCenter {

    private static final Logger LOG = LoggerFactory.getLogger(TrustCenter.class);
    private static final int ROOT_SECRET_LENGTH = 32;
    /** The well-known default trust-center link key, "ZigBeeAlliance09" (legacy devices under SECURE_JOIN). */
    static final byte[] DEFAULT_TC_LINK_KEY = "ZigBeeAlliance09".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** How the trust center's own frames reach devices: a coordinator radio without security firmware. */
    interface Radio {
        void sendNow(int nwkAddress, byte[] frame);
    }

    /** What the trust center knows of a device. */
    static final class Member {
        final ThingId thing;
        final long ieee;
        volatile int nwk = -1;
        volatile boolean pending;
        volatile boolean joined;
        final boolean installCode;
        /** How well its last authentic frame was protected (accepted or refused by policy), or null before one. */
        volatile Protection offered;
        /** Who its last accepted application frame proved to come from, and how well protected. */
        volatile Authenticated accepted;

        Member(ThingId thing, long ieee, boolean installCode) {
            this.thing = thing;
            this.ieee = ieee;
            this.installCode = installCode;
        }
    }

    private final ThingRegistry registry;
    private final ThingKeyStore keystore;
    private final SecurityServices services;
    private final FrameGate gate;
    private final ThingId network;
    private final TrustCenterFrames frames;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Member> members = new ConcurrentHashMap<>();
    private volatile JoinPolicy policy;
    private volatile long permitUntil;
    private volatile Consumer<Member> onJoined = m -> {
    };
    private volatile Consumer<Member> onRemoved = m -> {
    };
    /** Why the network key cannot rotate now (a dongle that cannot carry a new key); empty when it can. */
    private volatile java.util.function.Supplier<Optional<String>> rotationRefusal = Optional::empty;
    /** How a device is asked to leave when a dongle frames the traffic; null: the trust center's own NWK leave. */
    private volatile java.util.function.Predicate<Member> stackLeave;

    /**
     * @throws IllegalStateException while the NWK or APS provider is absent (the network key and the devices' link
     *         keys are needed to start)
     */
    TrustCenter(ThingRegistry registry, ThingKeyStore keystore, SecurityServices services, long extendedPanId,
            JoinPolicy policy, Clock clock) {
        this.registry = registry;
        this.keystore = keystore;
        this.services = services;
        this.network = ZigbeeIds.network(extendedPanId);
        this.frames = new TrustCenterFrames(services, network);
        this.gate = new FrameGate(this, registry, services, network);
        this.policy = policy;
        this.clock = clock;
        services.requireNwk().ensureNetwork(network);
        // Devices commissioned or operational before a restart are known again (their keys are in the keystore).
        for (Thing t : registry.list()) {
            if (ZigbeeIds.isDevice(t.id()) && t.state() != LifecycleState.DECOMMISSIONED) {
                Member m = new Member(t.id(), ZigbeeIds.ieeeAddress(t.id()), services.requireAps().hasLinkKey(t.id()));
                // counters: an operational device stays in the network across a restart of the hub or this bundle
                // (it holds the network key and does not rejoin); its short address is learned from its first
                // frame, and the NWK provider's durable replay marks refuse what it sent before the restart
                m.joined = t.state() == LifecycleState.OPERATIONAL;
                members.put(m.ieee, m);
            }
        }
    }

    /** Where the trust center's own frames go, sent from the coordinator's address. */
    void attachRadio(Radio radio, long coordinatorIeee) {
        frames.attach(radio, coordinatorIeee);
    }

    /** Who hears of a device joining (or heard again after a restart) and of a device removed. */
    void onMembership(Consumer<Member> onJoined, Consumer<Member> onRemoved) {
        this.onJoined = onJoined;
        this.onRemoved = onRemoved;
    }

    /**
     * With a dongle its firmware frames and secures everything: leave requests go through the stack (ZDO), and a
     * rotation the dongle cannot carry out is refused before the keystore changes.
     */
    void onDongle(java.util.function.Supplier<Optional<String>> rotationRefusal,
            java.util.function.Predicate<Member> leave) {
        this.rotationRefusal = rotationRefusal;
        this.stackLeave = leave;
    }

    /** Why the network key cannot rotate now, if it cannot. */
    Optional<String> rotationRefusal() {
        return rotationRefusal.get();
    }

    /** How the stack heard of a device on a dongle's network. */
    enum StackReport {
        /** The dongle's trust centre let it join or rejoin and sent it the network key under its link key. */
        TRUST_CENTRE_JOIN,
        /** It rejoined with the network key it already held. */
        SECURED_REJOIN,
        /** A device announce or the stack's discovery: a claim any holder of the network key can make. */
        ANNOUNCED
    }

    /** What the hub makes of a device the stack reports. */
    enum StackVerdict {
        /** Admitted now, or already in the network and heard again. */
        IN,
        /** Not admitted, and not asked to leave: an announce before the trust centre's report of its join. */
        NOT_YET,
        /** Refused: the caller asks it to leave. */
        LEAVE
    }

    /**
     * A device the dongle reports: a device already in the network is only heard again (rejoin, announce,
     * discovery). A device not yet admitted gets in only through a join its trust centre reports, on the same terms
     * as a join the trust center answers itself (policy, permit-join window, commissioning, install code), which
     * activates it; an announce alone never admits it (any device holding the network key can announce any address),
     * and a secured rejoin is refused (it holds a network key no admitted join gave it). Serialised with policy and
     * window changes, so no join is admitted after {@link #setPolicy} or {@link #permitJoin} has returned unless the
     * new terms allow it.
     */
    synchronized StackVerdict admitThroughStack(long ieee, int nwkAddress, StackReport report) {
        Member m = members.get(ieee);
        ThingId thing = ZigbeeIds.device(ieee);
        Optional<Thing> t = registry.find(thing);
        if (m == null || t.isEmpty() || t.get().state() == LifecycleState.DECOMMISSIONED) {
            services.refuse(Optional.of(thing), SecurityServices.MECHANISM, RefusalReason.NOT_OPERATIONAL,
                    "stack-not-commissioned", String.format("ZigBee device %016x joined through the dongle without"
                            + " being commissioned: asked to leave", ieee));
            return StackVerdict.LEAVE;
        }
        if (m.joined) {
            m.nwk = nwkAddress;
            return StackVerdict.IN;
        }
        if (report == StackReport.ANNOUNCED) {
            return StackVerdict.NOT_YET;
        }
        String refusal = report == StackReport.SECURED_REJOIN
                ? "it rejoined with a network key no admitted join gave it"
                : joinRefusal(ieee, thing);
        if (refusal != null) {
            services.refuse(Optional.of(thing), SecurityServices.MECHANISM, RefusalReason.POLICY,
                    "stack-join-refused", "ZigBee device " + thing + " joined through the dongle but is refused ("
                            + refusal + "): asked to leave");
            return StackVerdict.LEAVE;
        }
        m.nwk = nwkAddress;
        m.pending = false;
        completeJoin(m);
        return StackVerdict.IN;
    }

    ThingId network() {
        return network;
    }

    JoinPolicy policy() {
        return policy;
    }

    /** Sets the policy; DENY also closes the permit-join window, so leaving DENY never reopens an old window. */
    synchronized void setPolicy(JoinPolicy policy) {
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
        if (policy == JoinPolicy.DENY) {
            permitUntil = 0;
        }
        LOG.info("ZigBee join policy is now {}", policy);
    }

    synchronized void permitJoin(int seconds) {
        if (seconds < 0 || seconds > 254) {
            throw new IllegalArgumentException("permit-join duration must be 0 to 254 seconds, got " + seconds);
        }
        permitUntil = clock.millis() + seconds * 1000L;
        LOG.info("ZigBee joining {} (policy {})", seconds == 0 ? "closed" : "permitted for " + seconds + " s", policy);
    }

    int permitJoinRemaining() {
        return (int) Math.max(0, (permitUntil - clock.millis() + 999) / 1000);
    }

    /** The keystore's current network key, for a dongle whose firmware does the crypto; the caller destroys it. */
    DerivedKey currentNetworkKey() {
        return services.requireNwk().currentKey(network);
    }

    /** A device's install-code link key from the keystore, for a dongle; the caller destroys it. */
    Optional<DerivedKey> linkKey(ThingId thing) {
        return keystore.storedKey(thing, Layer.NETWORK, ZigbeeApsSecurity.LINK_KEY_MECHANISM);
    }

    int keySequence() {
        return services.requireNwk().keySequence(network);
    }

    ThingId commission(long ieee, String installCode, String owner) {
        // Check the code before anything is enrolled, so a mistyped code changes nothing.
        InstallCode code = installCode == null ? null : InstallCode.parse(installCode);
        ThingId thing = ZigbeeIds.device(ieee);
        byte[] root = new byte[ROOT_SECRET_LENGTH];
        random.nextBytes(root);
        RootCredential.Secret secret = RootCredential.secret(root);
        Arrays.fill(root, (byte) 0);
        // A decommissioned device comes back under its (possibly new) owner with a fresh root: its old keys stay
        // revoked. Any other device already known is refused by the registry as a duplicate.
        boolean again = registry.find(thing).map(t -> t.state() == LifecycleState.DECOMMISSIONED).orElse(false);
        try {
            if (again) {
                registry.recommission(thing, owner, secret);
            } else {
                registry.enroll(thing, owner, secret);
            }
        } finally {
            secret.destroy();
        }
        try {
            if (code != null) {
                services.requireAps().storeInstallCode(thing, code);
            }
            if (!again) {
                registry.transition(thing, Transition.BOOTSTRAP);
            }
        } catch (RuntimeException e) {
            registry.transition(thing, Transition.DECOMMISSION);
            throw e;
        } finally {
            if (code != null) {
                code.destroy();
            }
        }
        members.put(ieee, new Member(thing, ieee, code != null));
        LOG.info("ZigBee device {} commissioned {}", thing, code != null ? "with an install code" : "without one");
        return thing;
    }

    /**
     * A device asks to join (association). Checks policy, window and commissioning, then sends it the network key
     * under its link key. Returns a refusal text, or null when the key was sent.
     */
    String join(long ieee, int nwkAddress) {
        ThingId thing = ZigbeeIds.device(ieee);
        String refusal = joinRefusal(ieee, thing);
        if (refusal != null) {
            services.refuse(Optional.of(thing), SecurityServices.MECHANISM, RefusalReason.POLICY, "join-refused",
                    "ZigBee join of " + thing + " refused: " + refusal);
            return refusal;
        }
        Member m = members.get(ieee);
        try {
            if (!services.requireAps().hasLinkKey(thing)) {
                // SECURE_JOIN for a commissioned legacy device: the well-known key is its link key.
                keystore.storeKey(thing, Layer.NETWORK, ZigbeeApsSecurity.LINK_KEY_MECHANISM,
                        DEFAULT_TC_LINK_KEY.clone());
            }
            m.nwk = nwkAddress;
            m.pending = true;
            frames.transportNetworkKey(m.thing, m.ieee, m.nwk);
            return null;
        } catch (ZigbeeSecurityException | RuntimeException e) {
            services.refuse(Optional.of(thing), SecurityServices.MECHANISM, RefusalReason.POLICY, "join-failed",
                    "ZigBee join of " + thing + " failed: " + e.getMessage());
            return e.getMessage();
        }
    }

    private String joinRefusal(long ieee, ThingId thing) {
        if (policy == JoinPolicy.DENY) {
            return "join policy is DENY";
        }
        if (permitJoinRemaining() == 0) {
            return "joining is not permitted now";
        }
        Optional<Thing> t = registry.find(thing);
        Member m = members.get(ieee);
        if (t.isEmpty() || m == null) {
            return "device is not commissioned";
        }
        if (t.get().state() != LifecycleState.BOOTSTRAPPING) {
            return "device is " + t.get().state() + ", not BOOTSTRAPPING";
        }
        if (!services.requireAps().hasLinkKey(thing) && policy != JoinPolicy.SECURE_JOIN) {
            return "device has no install code and the policy is " + policy;
        }
        return null;
    }


    byte[] secureToDevice(NwkHeader header, byte[] apsFrame) throws ZigbeeSecurityException {
        return frames.secureToDevice(header, apsFrame);
    }

    /** Completes a join: the device is in the network and OPERATIONAL; the stack hears of it. */
    void completeJoin(Member m) {
        m.pending = false;
        m.joined = true;
        Thing t = registry.get(m.thing);
        if (t.state() == LifecycleState.BOOTSTRAPPING) {
            registry.transition(m.thing, Transition.ACTIVATE);
        }
        LOG.info("ZigBee device {} joined the network (NWK 0x{}), key sequence {}", m.thing,
                Integer.toHexString(m.nwk), keySequence());
        onJoined.accept(m);
    }

    /** A new network key, carried to every joined device under its own link key, then switched to. */
    synchronized int rotateNetworkKey() {
        Optional<String> refusal = rotationRefusal.get();
        if (refusal.isPresent()) {
            dongleRefused();
            throw new UnsupportedOperationException(refusal.get() + "; the keystore's network key is unchanged");
        }
        ZigbeeNwkSecurity nwkSecurity = services.requireNwk();
        int sequence = nwkSecurity.rotate(network);
        List<Member> joined = members.values().stream().filter(m -> m.joined).toList();
        int failed = 0;
        for (Member m : joined) {
            try {
                frames.transportNetworkKey(m.thing, m.ieee, m.nwk);
            } catch (ZigbeeSecurityException | RuntimeException e) {
                failed++;
                LOG.warn("new network key could not be sent to {}: {}", m.thing, e.getMessage());
            }
        }
        for (Member m : joined) {
            try {
                frames.switchKey(m.thing, m.nwk, sequence);
            } catch (ZigbeeSecurityException | RuntimeException e) {
                LOG.warn("switch-key could not be sent to {}: {}", m.thing, e.getMessage());
            }
        }
        nwkSecurity.completeSwitch(network);
        LOG.info("ZigBee network key rotated to sequence {} for {} devices{}", sequence, joined.size() - failed,
                failed > 0 ? " (" + failed + " unreachable)" : "");
        return sequence;
    }

    /** Decommissions a device: leave, link key deleted, keys revoked, network key rotated for the rest. */
    synchronized void decommission(ThingId thing) {
        if (!ZigbeeIds.isDevice(thing)) {
            throw new IllegalArgumentException(thing + " is not a ZigBee device");
        }
        Member m = members.get(ZigbeeIds.ieeeAddress(thing));
        Thing t = registry.get(thing);
        java.util.function.Predicate<Member> leave = stackLeave;
        if (m != null && leave != null) {
            leave.test(m);
        } else if (m != null && m.joined) {
            try {
                frames.leave(m.nwk);
            } catch (ZigbeeSecurityException e) {
                LOG.warn("leave request to {} could not be sent: {}", thing, e.getMessage());
            }
        }
        services.requireAps().deleteLinkKey(thing);
        if (t.state() != LifecycleState.DECOMMISSIONED) {
            registry.transition(thing, Transition.DECOMMISSION);
        }
        removed(thing);
    }

    /**
     * The lifecycle dispatcher released a device: if the registry has it decommissioned (or no longer has it), it is
     * dropped and the key rotated, as after a decommission here; a device merely suspended stays a member.
     */
    void released(ThingId thing) {
        Optional<Thing> t = registry.find(thing);
        if (t.isEmpty() || t.get().state() == LifecycleState.DECOMMISSIONED) {
            removed(thing);
        }
    }

    /** After a decommission from elsewhere: drop the device and rotate the key. */
    synchronized void removed(ThingId thing) {
        Member m = members.remove(ZigbeeIds.ieeeAddress(thing));
        if (m == null) {
            return;
        }
        boolean wasJoined = m.joined;
        m.joined = false;
        m.pending = false;
        onRemoved.accept(m);
        LOG.info("ZigBee device {} removed from the network", thing);
        if (wasJoined) {
            try {
                rotateNetworkKey();
            } catch (UnsupportedOperationException e) {
                LOG.error("ZigBee device {} is out, but the network key was NOT rotated: {}", thing, e.getMessage());
            }
        }
    }

    /** What gets through, frame by frame. */
    FrameGate gate() {
        return gate;
    }

    Member memberByIeee(long ieee) {
        return members.get(ieee);
    }

    /** A device still in the network after a restart was heard again (its address came with a fresh frame). */
    void heardAgain(Member m) {
        onJoined.accept(m);
    }

    Optional<Member> member(ThingId thing) {
        return ZigbeeIds.isDevice(thing) ? Optional.ofNullable(members.get(ZigbeeIds.ieeeAddress(thing)))
                : Optional.empty();
    }

    /** The last application frame accepted from a device: who sent it, by which mechanism, how well protected. */
    Optional<Authenticated> lastAccepted(ThingId thing) {
        return member(thing).map(m -> m.accepted);
    }

    Optional<Member> memberByNwk(int nwk) {
        return members.values().stream().filter(m -> m.joined && m.nwk == nwk).findFirst();
    }

    /** Every ZigBee thing the registry knows, decommissioned ones included, with what the network knows of it. */
    List<ZigbeeDevice> devices() {
        List<ZigbeeDevice> out = new ArrayList<>();
        for (Thing t : registry.list()) {
            if (!ZigbeeIds.isDevice(t.id())) {
                continue;
            }
            long ieee = ZigbeeIds.ieeeAddress(t.id());
            Member m = members.get(ieee);
            out.add(m == null ? new ZigbeeDevice(t.id(), ieee, -1, t.state(), false, false)
                    : new ZigbeeDevice(m.thing, m.ieee, m.nwk, t.state(), m.joined, m.installCode));
        }
        return out;
    }

    /**
     * Counts an operation the dongle did not carry out (key rotation, install key, join mode, permit-join, leave) in
     * the hub's refusal count, as {@code zigbee-dongle} NOT_OPERATIONAL; the caller logs what it was.
     */
    void dongleRefused() {
        services.count(Optional.empty(), SecurityServices.DONGLE_MECHANISM, RefusalReason.NOT_OPERATIONAL);
    }

}
