package org.trusthub.binding.zigbee.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
import org.trusthub.security.network.zigbee.ApsCommand;
import org.trusthub.security.network.zigbee.ApsHeader;
import org.trusthub.security.network.zigbee.InstallCode;
import org.trusthub.security.network.zigbee.KeyId;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeFrame;
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

    /** What the hub's own frames to a device carry: NWK security, hop by hop. */
    static final Protection OUTBOUND = Protection.confidentiality();

    private static final Logger LOG = LoggerFactory.getLogger(TrustCenter.class);
    private static final int ROOT_SECRET_LENGTH = 32;
    /** Leave request (NWK command 0x04, options: request). */
    private static final byte[] LEAVE = {0x04, 0x40};

    /** How frames reach devices: the simulated air or, some day, a dongle. */
    interface Radio {
        void sendNow(int nwkAddress, byte[] frame);
    }

    /**
     * An accepted frame from an admitted device, with who sent it and how well it was protected: NWK-secured is
     * confidentiality hop by hop, an APS-secured payload confidentiality end to end.
     */
    record Inbound(NwkHeader nwk, ApsHeader aps, byte[] payload, Authenticated from) {
        ThingId thing() {
            return from.thing();
        }
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
    private final InboundSecurity inbound;
    private final ThingId network;
    private final long ownIeee;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Member> members = new ConcurrentHashMap<>();
    /** Dongle operations that failed (not refusals of traffic: those go to the hub's refusal count). */
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    private volatile Radio radio = (n, f) -> {
    };
    private volatile JoinPolicy policy;
    private volatile long permitUntil;
    private volatile Consumer<Member> onJoined = m -> {
    };
    private volatile Consumer<Member> onRemoved = m -> {
    };
    private int nwkSequence;
    private int apsCounter;
    /** Why the network key cannot rotate now (a dongle that cannot carry a new key); empty when it can. */
    private volatile java.util.function.Supplier<Optional<String>> rotationRefusal = Optional::empty;
    /** How a device is asked to leave when a dongle frames the traffic; null: the trust center's own NWK leave. */
    private volatile java.util.function.Predicate<Member> stackLeave;

    /**
     * @throws IllegalStateException while the NWK or APS provider is absent (the network key and the devices' link
     *         keys are needed to start)
     */
    TrustCenter(ThingRegistry registry, ThingKeyStore keystore, SecurityServices services, long extendedPanId,
            long ownIeee, JoinPolicy policy, Clock clock) {
        this.registry = registry;
        this.keystore = keystore;
        this.services = services;
        this.inbound = new InboundSecurity(services);
        this.network = ZigbeeIds.network(extendedPanId);
        this.ownIeee = ownIeee;
        this.policy = policy;
        this.clock = clock;
        nwk().ensureNetwork(network);
        // Devices commissioned or operational before a restart are known again (their keys are in the keystore).
        for (Thing t : registry.list()) {
            if (ZigbeeIds.isDevice(t.id()) && t.state() != LifecycleState.DECOMMISSIONED) {
                Member m = new Member(t.id(), ZigbeeIds.ieeeAddress(t.id()), aps().hasLinkKey(t.id()));
                // counters: an operational device stays in the network across a restart of the hub or this bundle
                // (it holds the network key and does not rejoin); its short address is learned from its first
                // frame, and the NWK provider's durable replay marks refuse what it sent before the restart
                m.joined = t.state() == LifecycleState.OPERATIONAL;
                members.put(m.ieee, m);
            }
        }
    }

    void attach(Radio radio, Consumer<Member> onJoined, Consumer<Member> onRemoved) {
        this.radio = radio;
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
        return nwk().currentKey(network);
    }

    /** A device's install-code link key from the keystore, for a dongle; the caller destroys it. */
    Optional<DerivedKey> linkKey(ThingId thing) {
        return keystore.storedKey(thing, Layer.NETWORK, ZigbeeApsSecurity.LINK_KEY_MECHANISM);
    }

    int keySequence() {
        return nwk().keySequence(network);
    }

    ThingId commission(long ieee, String installCode, String owner) {
        // Check the code before anything is enrolled, so a mistyped code changes nothing.
        InstallCode code = installCode == null ? null : InstallCode.parse(installCode);
        ThingId thing = ZigbeeIds.device(ieee);
        byte[] root = new byte[ROOT_SECRET_LENGTH];
        random.nextBytes(root);
        RootCredential.Secret secret = RootCredential.secret(root);
        Arrays.fill(root, (byte) 0);
        try {
            registry.enroll(thing, owner, secret);
        } finally {
            secret.destroy();
        }
        try {
            if (code != null) {
                aps().storeInstallCode(thing, code);
            }
            registry.transition(thing, Transition.BOOTSTRAP);
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
            if (!aps().hasLinkKey(thing)) {
                // SECURE_JOIN for a commissioned legacy device: the well-known key is its link key.
                keystore.storeKey(thing, Layer.NETWORK, ZigbeeApsSecurity.LINK_KEY_MECHANISM,
                        SimulatedDevice.DEFAULT_TC_LINK_KEY.clone());
            }
            m.nwk = nwkAddress;
            m.pending = true;
            transportNetworkKey(m);
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
        if (!aps().hasLinkKey(thing) && policy != JoinPolicy.SECURE_JOIN) {
            return "device has no install code and the policy is " + policy;
        }
        return null;
    }

    private void transportNetworkKey(Member m) throws ZigbeeSecurityException {
        DerivedKey key = nwk().currentKey(network);
        byte[] bytes = key.bytes();
        byte[] cmd = ApsCommand.transportNetworkKey(bytes, key.generation() & 0xFF, m.ieee, ownIeee);
        try {
            byte[] aps = aps().protect(m.thing, ApsHeader.command(nextApsCounter()), KeyId.KEY_TRANSPORT_KEY,
                    cmd, ownIeee, true);
            radio.sendNow(m.nwk, unsecuredNwk(m.nwk, aps));
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(cmd, (byte) 0);
            key.destroy();
        }
    }

    private void switchKey(Member m, int sequence) throws ZigbeeSecurityException {
        byte[] aps = aps().protect(m.thing, ApsHeader.command(nextApsCounter()), KeyId.DATA_KEY,
                ApsCommand.switchKey(sequence), ownIeee, true);
        radio.sendNow(m.nwk, unsecuredNwk(m.nwk, aps));
    }

    // Key transport goes NWK-unsecured (the joining device has no network key yet); APS security protects the key.
    private byte[] unsecuredNwk(int dst, byte[] aps) {
        byte[] h = NwkHeader.simple(0, false, dst, 0, 1, nextNwkSequence(), ownIeee).encode();
        return SimulatedDevice.concat(h, aps);
    }

    byte[] secureToDevice(NwkHeader header, byte[] apsFrame) throws ZigbeeSecurityException {
        return nwk().protect(network, header, apsFrame, ownIeee);
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
        try {
            nwk = nwkSecurity.unprotect(network, bytes);
        } catch (ZigbeeSecurityException e) {
            return null; // counted and logged by the provider
        }
        long source = nwk.aux().source();
        Member m = members.get(source);
        if (m != null && m.joined && m.nwk == -1) {
            // counters: back after a restart; the address is in the authenticated NWK header of a fresh frame
            m.nwk = nwk.header().src();
            LOG.info("ZigBee device {} heard again after a restart at NWK 0x{}", m.thing, Integer.toHexString(m.nwk));
            onJoined.accept(m);
        }
        if (m == null || !(m.joined || m.pending) || m.nwk != nwk.header().src()) {
            services.refuse(Optional.of(ZigbeeIds.device(source)), SecurityServices.MECHANISM,
                    RefusalReason.NOT_OPERATIONAL, "not-admitted", String.format("ZigBee frame from %016x (0x%s)"
                            + " refused: not an admitted device", source, Integer.toHexString(nwk.header().src())));
            return null;
        }
        if (nwk.header().frameType() != 0) {
            // NWK commands carry no application data: policy applies to what reaches the application
            return new Inbound(nwk.header(), null, new byte[0], Authenticated.message(m.thing, Layer.NETWORK,
                    ZigbeeNwkSecurity.MECHANISM, Protection.confidentiality()));
        }
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
            completeJoin(m);
        } else {
            m.accepted = from;
        }
        return new Inbound(nwk.header(), aps.header(), aps.payload(), from);
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
        Optional<String> in = inbound.policyRefusal(thing, member(thing).map(m -> m.offered).orElse(null));
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

    private void completeJoin(Member m) {
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
            count("dongle.key-rotation-refused");
            throw new UnsupportedOperationException(refusal.get() + "; the keystore's network key is unchanged");
        }
        ZigbeeNwkSecurity nwkSecurity = nwk();
        int sequence = nwkSecurity.rotate(network);
        List<Member> joined = members.values().stream().filter(m -> m.joined).toList();
        int failed = 0;
        for (Member m : joined) {
            try {
                transportNetworkKey(m);
            } catch (ZigbeeSecurityException | RuntimeException e) {
                failed++;
                LOG.warn("new network key could not be sent to {}: {}", m.thing, e.getMessage());
            }
        }
        for (Member m : joined) {
            try {
                switchKey(m, sequence);
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
                radio.sendNow(m.nwk, secureToDevice(NwkHeader.simple(1, true, m.nwk, 0, 1, nextNwkSequence(),
                        ownIeee), LEAVE));
            } catch (ZigbeeSecurityException e) {
                LOG.warn("leave request to {} could not be sent: {}", thing, e.getMessage());
            }
        }
        aps().deleteLinkKey(thing);
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

    /** Counts a dongle operation that failed (the bridge's {@link #failures}). */
    void count(String what) {
        failures.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    /** Dongle operations that failed, by kind ({@code dongle.*}). */
    Map<String, Long> failures() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    SecurityServices services() {
        return services;
    }

    // Operator actions and the join path need the providers; their absence is a clear error for the caller.
    private ZigbeeNwkSecurity nwk() {
        try {
            return services.nwk();
        } catch (SecurityServices.Absent e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    private ZigbeeApsSecurity aps() {
        try {
            return services.aps();
        } catch (SecurityServices.Absent e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    private synchronized int nextNwkSequence() {
        return nwkSequence++ & 0xFF;
    }

    private synchronized int nextApsCounter() {
        return apsCounter++ & 0xFF;
    }
}
