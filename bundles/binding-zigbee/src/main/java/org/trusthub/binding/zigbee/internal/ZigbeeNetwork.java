package org.trusthub.binding.zigbee.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.network.zigbee.ZigbeeIds;
import org.trusthub.binding.zigbee.spi.JoinPolicy;
import org.trusthub.binding.zigbee.spi.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;
import org.trusthub.binding.zigbee.spi.ZigbeeDevice;

import com.zsmartsystems.zigbee.ExtendedPanId;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeChannel;
import com.zsmartsystems.zigbee.ZigBeeAnnounceListener;
import com.zsmartsystems.zigbee.ZigBeeEndpointAddress;
import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeNetworkNodeListener;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.ZigBeeNodeStatus;
import com.zsmartsystems.zigbee.ZigBeeNode.ZigBeeNodeState;
import com.zsmartsystems.zigbee.app.discovery.ZigBeeDiscoveryExtension;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.security.ZigBeeKey;
import com.zsmartsystems.zigbee.serialization.DefaultDeserializer;
import com.zsmartsystems.zigbee.serialization.DefaultSerializer;
import com.zsmartsystems.zigbee.zdo.command.ManagementLeaveRequest;
import com.zsmartsystems.zigbee.transport.ZigBeePort.FlowControl;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;

/**
 * One ZigBee network: the zsmartsystems network manager over a transport (a dongle or the SIMULATED coordinator) and
 * the trust center; the devices' clusters reach the thing model through {@link ZigbeeProperties}.
 */
final class ZigbeeNetwork implements ProtocolBinding, ZigbeeBridge, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZigbeeNetwork.class);
    private static final long DISCOVERY_SECONDS = 30;

    private final TrustCenter trustCenter;
    private final SimulatedAir air;
    private final ZigBeeNetworkManager manager;
    private final Simulation simulation;

    private ZigbeeNetwork(TrustCenter trustCenter, SimulatedAir air, ZigBeeNetworkManager manager) {
        this.trustCenter = trustCenter;
        this.air = air;
        this.manager = manager;
        this.simulation = new Simulation();
    }

    static ZigbeeNetwork simulated(TrustCenter trustCenter, int panId, long extendedPanId, int channel) {
        SimulatedAir air = new SimulatedAir();
        SimulatedCoordinator coordinator = new SimulatedCoordinator(trustCenter, air, panId, extendedPanId);
        ZigBeeNetworkManager manager = new ZigBeeNetworkManager(coordinator);
        manager.setNetworkDataStore(new MemoryNodeStore());
        manager.setSerializer(DefaultSerializer.class, DefaultDeserializer.class);
        ZigbeeNetwork network = new ZigbeeNetwork(trustCenter, air, manager);
        trustCenter.attach(air::sendNow, network::joined, network::left);
        if (manager.initialize() != ZigBeeStatus.SUCCESS) {
            throw new IllegalStateException("simulated ZigBee coordinator failed to initialise");
        }
        manager.setZigBeeChannel(ZigBeeChannel.create(channel));
        manager.addExtension(new ZigBeeDiscoveryExtension());
        widenTransactionWindow(manager);
        if (manager.startup(false) != ZigBeeStatus.SUCCESS) {
            throw new IllegalStateException("simulated ZigBee network failed to start");
        }
        return network;
    }

    /**
     * A network on the configured dongle: the type is checked first (an unknown one is refused before any port is
     * touched), then the serial port and the zsmartsystems driver are created and the dongle initialised; only then
     * is the trust center created (so a dongle that is not there leaves the keystore untouched) and its keys handed
     * to the dongle.
     */
    static ZigbeeNetwork openDongle(Supplier<TrustCenter> trustCenter, String portName, String dongleType,
            int baudRate, int panId, long extendedPanId, int channel) {
        DongleType type = DongleType.parse(dongleType);
        String name = portName.trim();
        JSerialCommPort port = new JSerialCommPort(name, baudRate, FlowControl.FLOWCONTROL_OUT_NONE);
        ZigBeeNetworkManager manager = initialiseDongle(DongleDrivers.create(type, port), name, type);
        return onDongle(trustCenter.get(), manager, name, type, panId, extendedPanId, channel);
    }

    /** As {@link #openDongle} with a transport already made (tests give a recording one). */
    static ZigbeeNetwork dongle(TrustCenter trustCenter, ZigBeeTransportTransmit transport, String portName,
            DongleType type, int panId, long extendedPanId, int channel) {
        return onDongle(trustCenter, initialiseDongle(transport, portName, type), portName, type, panId,
                extendedPanId, channel);
    }

    // Fails with the port and dongle type named, before any key is handed over; nothing runs then.
    private static ZigBeeNetworkManager initialiseDongle(ZigBeeTransportTransmit transport, String portName,
            DongleType type) {
        ZigBeeNetworkManager manager = new ZigBeeNetworkManager(transport);
        manager.setNetworkDataStore(new MemoryNodeStore());
        manager.setSerializer(DefaultSerializer.class, DefaultDeserializer.class);
        ZigBeeStatus status = manager.initialize();
        if (status != ZigBeeStatus.SUCCESS) {
            manager.shutdown();
            throw new IllegalStateException("ZigBee dongle '" + type.name().toLowerCase(java.util.Locale.ROOT)
                    + "' on serial port " + portName + " could not be initialised (" + status + "): check that the"
                    + " port exists, is this dongle's and is readable by the Karaf user");
        }
        return manager;
    }

    /*
     * The keystore's current network key (and, under secure join, the well-known default trust-center link key) go
     * to the dongle, whose firmware then does the NWK/APS crypto.
     */
    private static ZigbeeNetwork onDongle(TrustCenter trustCenter, ZigBeeNetworkManager manager, String portName,
            DongleType type, int panId, long extendedPanId, int channel) {
        ZigbeeNetwork network = new ZigbeeNetwork(trustCenter, null, manager);
        // The dongle's firmware does NWK/APS framing itself: the trust center's own raw frames have no air to go to,
        // so leave requests go as ZDO through the stack and a rotation the driver cannot do is refused up front.
        // The stack's discovery extension learns a joined device's endpoints and clusters from its ZDO.
        trustCenter.attach((nwk, frame) -> trustCenter.count("dongle.raw-frame-not-sent"), m -> {
        }, network::left);
        network.dongle = type;
        trustCenter.onDongle(type::keyRotationRefusal, network::leaveThroughStack);
        StackJoins joins = network.new StackJoins();
        manager.addAnnounceListener(joins);
        manager.addNetworkNodeListener(joins);
        manager.setZigBeeChannel(ZigBeeChannel.create(channel));
        manager.setZigBeePanId(panId);
        manager.setZigBeeExtendedPanId(new ExtendedPanId(String.format("%016X", extendedPanId)));
        try {
            handNetworkKey(trustCenter, manager);
        } catch (IllegalStateException e) {
            manager.shutdown();
            throw e;
        }
        if (trustCenter.policy() == JoinPolicy.SECURE_JOIN) {
            manager.setZigBeeLinkKey(new ZigBeeKey(DEFAULT_TC_LINK_KEY));
        }
        network.dongleJoins = new DongleJoinControl(manager, type, trustCenter);
        network.dongleJoins.applyPolicy(trustCenter.policy());
        manager.addExtension(new ZigBeeDiscoveryExtension());
        widenTransactionWindow(manager);
        ZigBeeStatus status = manager.startup(true);
        if (status != ZigBeeStatus.SUCCESS) {
            manager.shutdown();
            throw new IllegalStateException("ZigBee network on dongle '" + type.name().toLowerCase(java.util.Locale.ROOT)
                    + "' at " + portName + " failed to start (" + status + ")");
        }
        return network;
    }

    /** How many transactions the stack may have in flight at once (its own default is 5). */
    static final int TRANSACTIONS_IN_FLIGHT = 64;

    /*
     * zsmartsystems 1.4.16.1's transaction manager drops a device's queue from its rotation when it polls that queue
     * at the moment the in-flight limit is reached (ZigBeeTransactionManager.sendNextTransaction breaks out of its
     * loop after poll() without putting the queue back); the queued request then waits until something else is sent
     * to the same device, which during service discovery of several joining devices is never. The limit is not
     * reachable from its API, so it is widened through the manager's field; a dongle driver queues frames itself.
     */
    static boolean widenTransactionWindow(ZigBeeNetworkManager manager) {
        try {
            java.lang.reflect.Field f = ZigBeeNetworkManager.class.getDeclaredField("transactionManager");
            f.setAccessible(true);
            ((com.zsmartsystems.zigbee.transaction.ZigBeeTransactionManager) f.get(manager))
                    .setMaxOutstandingTransactions(TRANSACTIONS_IN_FLIGHT);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("ZigBee stack: in-flight transaction limit left at the library's default ({}); service discovery"
                    + " of many devices joining at once may stall", e.toString());
            return false;
        }
    }

    // "ZigBeeAlliance09", the link key every ZigBee 3.0 device may join with when install codes are not required.
    private static final String DEFAULT_TC_LINK_KEY = "5A6967426565416C6C69616E63653039";

    // The keystore's current network key goes to the dongle; our copies of the bytes are wiped afterwards.
    private static void handNetworkKey(TrustCenter trustCenter, ZigBeeNetworkManager manager) {
        DerivedKey key = trustCenter.currentNetworkKey();
        byte[] bytes = key.bytes();
        int[] value = new int[bytes.length];
        try {
            for (int i = 0; i < bytes.length; i++) {
                value[i] = bytes[i] & 0xFF;
            }
            ZigBeeKey zigbeeKey = new ZigBeeKey(value);
            zigbeeKey.setSequenceNumber(key.generation() & 0xFF);
            ZigBeeStatus status = manager.setZigBeeNetworkKey(zigbeeKey);
            if (status != ZigBeeStatus.SUCCESS) {
                throw new IllegalStateException("the dongle refused the network key (" + status + ")");
            }
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
            java.util.Arrays.fill(value, 0);
            key.destroy();
        }
    }

    /** The dongle's type, or null for the simulated coordinator. */
    private volatile DongleType dongle;
    /** The dongle's join mode and permit-join, or null for the simulated coordinator. */
    private volatile DongleJoinControl dongleJoins;

    /**
     * Devices the dongle reports to the stack: its trust centre's join and rejoin reports, and nodes the stack learns
     * of from device announces and discovery. The trust center decides; a refused device is asked to leave.
     */
    private final class StackJoins implements ZigBeeAnnounceListener, ZigBeeNetworkNodeListener {
        @Override
        public void deviceStatusUpdate(ZigBeeNodeStatus status, Integer nwk, IeeeAddress ieeeAddress) {
            switch (status) {
                case UNSECURED_JOIN, UNSECURED_REJOIN -> admit(nwk, ieeeAddress,
                        TrustCenter.StackReport.TRUST_CENTRE_JOIN);
                case SECURED_REJOIN -> admit(nwk, ieeeAddress, TrustCenter.StackReport.SECURED_REJOIN);
                default -> {
                }
            }
        }

        @Override
        public void nodeAdded(ZigBeeNode node) {
            admit(node.getNetworkAddress(), node.getIeeeAddress(), TrustCenter.StackReport.ANNOUNCED);
        }

        private void admit(Integer nwk, IeeeAddress ieeeAddress, TrustCenter.StackReport report) {
            if (nwk == null || nwk == 0 || ieeeAddress == null) {
                return;
            }
            long ieee = Long.parseUnsignedLong(ieeeAddress.toString(), 16);
            if (trustCenter.admitThroughStack(ieee, nwk, report) == TrustCenter.StackVerdict.LEAVE) {
                sendLeave(ieee, nwk);
                ZigBeeNode node = manager.getNode(ieeeAddress);
                if (node != null) {
                    manager.removeNode(node);
                }
            }
        }
    }

    /** A ZDO Management Leave Request through the network manager; the dongle secures and sends it. */
    private boolean leaveThroughStack(TrustCenter.Member m) {
        ZigBeeNode node = manager.getNode(ieee(m.ieee));
        Integer nwk = node != null ? node.getNetworkAddress() : m.nwk >= 0 ? Integer.valueOf(m.nwk) : null;
        if (nwk == null) {
            LOG.info("ZigBee device {} is not on the network: no leave request sent", m.thing);
            return false;
        }
        boolean sent = sendLeave(m.ieee, nwk);
        if (node != null) {
            manager.removeNode(node);
        }
        return sent;
    }

    private boolean sendLeave(long ieeeAddress, int nwk) {
        ManagementLeaveRequest request = new ManagementLeaveRequest(ieee(ieeeAddress), Boolean.FALSE);
        request.setDestinationAddress(new ZigBeeEndpointAddress(nwk));
        request.setSourceAddress(new ZigBeeEndpointAddress(0));
        boolean sent = manager.sendCommand(request);
        if (sent) {
            LOG.info("ZigBee leave request (ZDO) sent to {} (NWK 0x{}) through the dongle", ieee(ieeeAddress),
                    Integer.toHexString(nwk));
        } else {
            trustCenter.count("dongle.leave-not-sent");
            LOG.error("ZigBee leave request to {} (NWK 0x{}) was not taken by the dongle", ieee(ieeeAddress),
                    Integer.toHexString(nwk));
        }
        return sent;
    }

    TrustCenter trustCenter() {
        return trustCenter;
    }

    SimulatedZigbeeNetwork simulation() {
        return simulation;
    }

    /** The stack, for the thing model's provider (its listeners and clusters). */
    ZigBeeNetworkManager manager() {
        return manager;
    }

    // ----------------------------------------------------------------------------------------- the stack's view

    private static IeeeAddress ieee(long address) {
        return new IeeeAddress(String.format("%016X", address));
    }

    // The device is in (or heard again after a restart): the stack's discovery asks its ZDO for its endpoints.
    private void joined(TrustCenter.Member m) {
        ZigBeeNode node = new ZigBeeNode(manager, ieee(m.ieee), m.nwk);
        node.setNodeState(ZigBeeNodeState.ONLINE);
        manager.updateNode(node);
    }

    /** Whether the stack has discovered the device's application endpoints. */
    boolean discovered(long ieeeAddress) {
        ZigBeeNode node = manager.getNode(ieee(ieeeAddress));
        return node != null && node.getEndpoints().stream().anyMatch(e -> !e.getInputClusterIds().isEmpty());
    }

    private void left(TrustCenter.Member m) {
        ZigBeeNode node = manager.getNode(ieee(m.ieee));
        if (node != null) {
            manager.removeNode(node);
        }
    }

    // ---------------------------------------------------------------------------------------- ZigbeeBridge

    @Override
    public String protocol() {
        return "zigbee";
    }

    @Override
    public boolean isSimulated() {
        return air != null;
    }

    @Override
    public Set<ThingId> things() {
        return trustCenter.devices().stream().filter(ZigbeeDevice::joined).map(ZigbeeDevice::thing)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /**
     * A device left the operational state or its keys were revoked: once it is decommissioned (or gone from the
     * registry) it is dropped from the network and the network key rotates for everyone else; otherwise nothing is
     * held per device (each frame is checked against its membership as it arrives). Idempotent.
     */
    @Override
    public void release(ThingId thing) {
        if (ZigbeeIds.isDevice(thing)) {
            trustCenter.released(thing);
        }
    }

    @Override
    public JoinPolicy joinPolicy() {
        return trustCenter.policy();
    }

    @Override
    public synchronized void setJoinPolicy(JoinPolicy policy) {
        trustCenter.setPolicy(policy);
        DongleJoinControl joins = dongleJoins;
        if (joins != null) {
            if (policy == JoinPolicy.DENY) {
                joins.permitJoin(0, policy);
            }
            joins.applyPolicy(policy);
        }
    }

    @Override
    public ThingId commission(long ieeeAddress, String installCode, String owner) {
        DongleType type = dongle;
        if (type != null && installCode != null && !type.takesInstallKeys()) {
            trustCenter.count("dongle.install-key-unsupported");
            throw new UnsupportedOperationException("dongle '" + type.name().toLowerCase(java.util.Locale.ROOT)
                    + "' cannot take install-code link keys (its driver answers INSTALL_KEY with UNSUPPORTED): the"
                    + " device could never join; nothing was enrolled");
        }
        ThingId thing = trustCenter.commission(ieeeAddress, installCode, owner);
        if (air == null) {
            handInstallKey(thing, ieeeAddress);
        }
        return thing;
    }

    /*
     * With a dongle, its firmware answers the join, so it needs the device's install-code link key (the drivers take
     * the derived key, e.g. as an Ember transient link key). A dongle that refuses leaves the device unable to join:
     * said in the log, the commissioning itself stands (the key stays in the keystore for a retry).
     */
    private void handInstallKey(ThingId thing, long ieeeAddress) {
        Optional<DerivedKey> stored = trustCenter.linkKey(thing);
        if (stored.isEmpty()) {
            return;
        }
        DerivedKey key = stored.get();
        byte[] bytes = key.bytes();
        int[] value = new int[bytes.length];
        try {
            for (int i = 0; i < bytes.length; i++) {
                value[i] = bytes[i] & 0xFF;
            }
            ZigBeeKey zigbeeKey = new ZigBeeKey(value);
            zigbeeKey.setAddress(ieee(ieeeAddress));
            ZigBeeStatus status = manager.setZigBeeInstallKey(zigbeeKey);
            if (status != ZigBeeStatus.SUCCESS) {
                trustCenter.count("dongle.install-key-refused");
                LOG.error("the dongle did not take the install-code link key of {} ({}): commissioning undone",
                        thing, status);
                trustCenter.decommission(thing);
                throw new IllegalStateException("the dongle did not take the install-code link key of " + thing
                        + " (" + status + "): it could not join, so the commissioning was undone");
            }
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
            java.util.Arrays.fill(value, 0);
            key.destroy();
        }
    }

    @Override
    public synchronized void permitJoin(int seconds) {
        trustCenter.permitJoin(seconds);
        DongleJoinControl joins = dongleJoins;
        if (joins != null) {
            joins.permitJoin(seconds, trustCenter.policy());
        }
    }

    @Override
    public int permitJoinRemaining() {
        return trustCenter.permitJoinRemaining();
    }

    @Override
    public int networkKeySequence() {
        return trustCenter.keySequence();
    }

    @Override
    public long extendedPanId() {
        return Long.parseUnsignedLong(trustCenter.network().value().substring("zigbee-network:".length()), 16);
    }

    @Override
    public Optional<String> networkKeyRotationRefusal() {
        return trustCenter.rotationRefusal();
    }

    @Override
    public int rotateNetworkKey() {
        int sequence = trustCenter.rotateNetworkKey();
        if (air == null) {
            handNetworkKey(trustCenter, manager);
        }
        return sequence;
    }

    @Override
    public void decommission(ThingId thing) {
        trustCenter.decommission(thing);
    }

    @Override
    public List<ZigbeeDevice> devices() {
        return trustCenter.devices();
    }

    @Override
    public Optional<ZigbeeDevice> device(ThingId thing) {
        return trustCenter.devices().stream().filter(d -> d.thing().equals(thing)).findFirst();
    }

    /**
     * Read from the hub's refusal count (empty while there is none): {@code nwk.*} and {@code aps.*} from the NWK and
     * APS providers, {@code tc.*} from the trust center (admission, policy, absent providers), by common reason;
     * plus the dongle operations that failed ({@code dongle.*}).
     */
    @Override
    public Map<String, Long> refusals() {
        Map<String, Long> out = new java.util.TreeMap<>(trustCenter.failures());
        trustCenter.services().refusals().ifPresent(r -> r.counts().forEach(c -> {
            String prefix = switch (c.mechanism()) {
                case SecurityServices.MECHANISM -> "tc.";
                case org.trusthub.security.network.zigbee.ZigbeeNwkSecurity.MECHANISM -> "nwk.";
                case org.trusthub.security.network.zigbee.ZigbeeApsSecurity.MECHANISM -> "aps.";
                default -> null;
            };
            if (prefix != null) {
                out.merge(prefix + c.reason().name(), c.count(), Long::sum);
            }
        }));
        return out;
    }

    @Override
    public void close() {
        DongleJoinControl joins = dongleJoins;
        if (joins != null && trustCenter.permitJoinRemaining() > 0) {
            // the dongle's firmware would go on letting devices join with no hub to check them
            joins.permitJoin(0, trustCenter.policy());
        }
        manager.shutdown();
        if (air != null) {
            air.close();
        }
        LOG.info("ZigBee bridge stopped");
    }

    // ------------------------------------------------------------------------------------ the simulated devices

    private final class Simulation implements SimulatedZigbeeNetwork {
        private int nextNwk = 0x1001;

        @Override
        public void addDevice(long ieeeAddress, String installCode) {
            addDevice(ieeeAddress, installCode, Zcl.SIMULATED_CLUSTERS);
        }

        @Override
        public synchronized void addDevice(long ieeeAddress, String installCode, Set<Integer> clusters) {
            air.add(new SimulatedDevice(ieeeAddress, nextNwk++, installCode, Set.copyOf(clusters)));
            LOG.info("SIMULATED ZigBee device {} powered on with clusters {}", String.format("%016x", ieeeAddress),
                    clusters.stream().sorted().map(c -> String.format("0x%04x", c)).toList());
        }

        @Override
        public boolean join(long ieeeAddress) {
            SimulatedDevice d = device(ieeeAddress);
            String refusal = trustCenter.join(ieeeAddress, d.nwkAddress);
            if (refusal != null || !d.hasNetworkKey() || !air.fromDevice(d::deviceAnnounce)) {
                return false;
            }
            // An installer sees the device once the hub has discovered what it is; so does the caller.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DISCOVERY_SECONDS);
            while (!discovered(ieeeAddress)) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("SIMULATED ZigBee device {} joined but its endpoints were not discovered within {} s",
                            String.format("%016x", ieeeAddress), DISCOVERY_SECONDS);
                    return false;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean reportTemperature(long ieeeAddress, double celsius) {
            SimulatedDevice d = device(ieeeAddress);
            if (!d.has(Zcl.CLUSTER_TEMPERATURE)) {
                throw new IllegalArgumentException(String.format("simulated device %016x has no temperature cluster",
                        ieeeAddress));
            }
            return d.hasNetworkKey() && air.fromDevice(() -> d.temperatureReport(celsius));
        }

        @Override
        public boolean replayLastFrame(long ieeeAddress) {
            byte[] last = device(ieeeAddress).lastSent();
            return last != null && air.fromDevice(() -> last);
        }

        @Override
        public Optional<byte[]> lastFrame(long ieeeAddress) {
            return Optional.ofNullable(device(ieeeAddress).lastSent());
        }

        @Override
        public boolean injectFrame(byte[] frame) {
            byte[] copy = java.util.Objects.requireNonNull(frame, "frame").clone();
            return air.fromDevice(() -> copy);
        }

        @Override
        public Optional<DeviceView> view(long ieeeAddress) {
            SimulatedDevice d = air.device(ieeeAddress);
            if (d == null) {
                return Optional.empty();
            }
            SimulatedDevice.SimulatedZigbeeNetworkView v = d.view();
            return Optional.of(new DeviceView(v.ieee(), v.nwk(), v.keySequence(), v.hasKey(), v.left(), v.on(),
                    v.level(), v.temperature(), v.refused()));
        }

        private SimulatedDevice device(long ieee) {
            SimulatedDevice d = air.device(ieee);
            if (d == null) {
                throw new IllegalArgumentException(String.format("no simulated device %016x", ieee));
            }
            return d;
        }
    }
}
