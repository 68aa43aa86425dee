package org.trusthub.binding.zigbee.internal;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.network.zigbee.ZigbeeIds;
import org.trusthub.binding.zigbee.spi.JoinPolicy;
import org.trusthub.binding.zigbee.spi.CoordinatorRadio;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;
import org.trusthub.binding.zigbee.spi.ZigbeeDevice;

import com.zsmartsystems.zigbee.ExtendedPanId;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeChannel;
import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.ZigBeeNode.ZigBeeNodeState;
import com.zsmartsystems.zigbee.app.discovery.ZigBeeDiscoveryExtension;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.serialization.DefaultDeserializer;
import com.zsmartsystems.zigbee.serialization.DefaultSerializer;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;

/**
 * One ZigBee network: the zsmartsystems network manager over a coordinator radio's transport (a dongle, whose firmware
 * secures frames, or a radio whose frames the trust center secures through {@link TrustCenterAir}) and the trust
 * center; the devices' clusters reach the thing model through {@link ZigbeeProperties}.
 */
final class ZigbeeNetwork implements ProtocolBinding, ZigbeeBridge, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZigbeeNetwork.class);

    private final TrustCenter trustCenter;
    private final CoordinatorRadio radio;
    private final ZigBeeNetworkManager manager;
    /** The stack's dongle side, or null on a radio whose frames the trust center secures. */
    private final DongleStack dongle;

    private ZigbeeNetwork(TrustCenter trustCenter, CoordinatorRadio radio, ZigBeeNetworkManager manager,
            DongleStack dongle) {
        this.trustCenter = trustCenter;
        this.radio = radio;
        this.manager = manager;
        this.dongle = dongle;
    }

    /**
     * A network on a coordinator radio without security firmware (the simulated one): the trust center secures and
     * opens its frames, answers its association requests and sends its own frames through it.
     */
    static ZigbeeNetwork onRadio(TrustCenter trustCenter, CoordinatorRadio radio, int panId, long extendedPanId,
            int channel) {
        TrustCenterAir hub = new TrustCenterAir(trustCenter);
        ZigBeeNetworkManager manager = new ZigBeeNetworkManager(radio.open(hub));
        manager.setNetworkDataStore(new MemoryNodeStore());
        manager.setSerializer(DefaultSerializer.class, DefaultDeserializer.class);
        ZigbeeNetwork network = new ZigbeeNetwork(trustCenter, radio, manager, null);
        hub.discoveredBy(network::discovered);
        trustCenter.onMembership(network::joined, network::left);
        if (manager.initialize() != ZigBeeStatus.SUCCESS) {
            manager.shutdown();
            throw new IllegalStateException("ZigBee coordinator " + radio.label() + " failed to initialise");
        }
        manager.setZigBeeChannel(ZigBeeChannel.create(channel));
        manager.setZigBeePanId(panId);
        manager.setZigBeeExtendedPanId(new ExtendedPanId(String.format("%016X", extendedPanId)));
        manager.addExtension(new ZigBeeDiscoveryExtension());
        widenTransactionWindow(manager);
        if (manager.startup(false) != ZigBeeStatus.SUCCESS) {
            manager.shutdown();
            throw new IllegalStateException("ZigBee network on " + radio.label() + " failed to start");
        }
        return network;
    }

    /**
     * A network on the configured dongle: the type is checked first (an unknown one is refused before any port is
     * touched), then the serial port and the zsmartsystems driver are created and the dongle initialised; only then
     * is the trust center created (so a dongle that is not there leaves the keystore untouched) and its keys handed
     * to the dongle.
     */
    static ZigbeeNetwork openDongle(Supplier<TrustCenter> trustCenter, DongleRadio dongle, int panId,
            long extendedPanId, int channel) {
        ZigBeeNetworkManager manager = DongleStack.initialise(dongle.open(null), dongle.port(), dongle.type());
        TrustCenter center = trustCenter.get();
        DongleStack stack = DongleStack.start(center, manager, dongle, panId, extendedPanId, channel);
        return new ZigbeeNetwork(center, dongle, manager, stack);
    }

    /** As {@link #openDongle} with a transport already made (tests give a recording one). */
    static ZigbeeNetwork dongle(TrustCenter trustCenter, ZigBeeTransportTransmit transport, String portName,
            DongleType type, int panId, long extendedPanId, int channel) {
        return openDongle(() -> trustCenter, DongleRadio.over(type, portName, transport), panId, extendedPanId,
                channel);
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







    TrustCenter trustCenter() {
        return trustCenter;
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
        return radio.isSimulated();
    }

    /** The coordinator radio's name, for logs and the shell. */
    String radioLabel() {
        return radio.label();
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
        if (dongle != null) {
            dongle.joinPolicy(policy);
        }
    }

    @Override
    public ThingId commission(long ieeeAddress, String installCode, String owner) {
        if (dongle != null) {
            dongle.checkInstallCode(installCode);
        }
        ThingId thing = trustCenter.commission(ieeeAddress, installCode, owner);
        if (dongle != null) {
            dongle.handInstallKey(thing, ieeeAddress);
        }
        return thing;
    }


    @Override
    public synchronized void permitJoin(int seconds) {
        trustCenter.permitJoin(seconds);
        if (dongle != null) {
            dongle.permitJoin(seconds, trustCenter.policy());
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
        if (dongle != null) {
            dongle.handNetworkKey();
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

    @Override
    public void close() {
        if (dongle != null) {
            dongle.closeJoins();
        }
        manager.shutdown();
        LOG.info("ZigBee bridge stopped");
    }
}
