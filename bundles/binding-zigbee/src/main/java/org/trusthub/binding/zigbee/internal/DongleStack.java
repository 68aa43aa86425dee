package org.trusthub.binding.zigbee.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.zigbee.spi.JoinPolicy;

import com.zsmartsystems.zigbee.ExtendedPanId;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeAnnounceListener;
import com.zsmartsystems.zigbee.ZigBeeChannel;
import com.zsmartsystems.zigbee.ZigBeeEndpointAddress;
import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeNetworkNodeListener;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.ZigBeeNodeStatus;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.app.discovery.ZigBeeDiscoveryExtension;
import com.zsmartsystems.zigbee.security.ZigBeeKey;
import com.zsmartsystems.zigbee.serialization.DefaultDeserializer;
import com.zsmartsystems.zigbee.serialization.DefaultSerializer;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;
import com.zsmartsystems.zigbee.zdo.command.ManagementLeaveRequest;

/**
 * The stack on a dongle, whose firmware is the trust centre's radio: it secures frames and answers joins, so the hub
 * hands it keys (the network key, install-code link keys), sets its join mode and permit-join, hears from it which
 * devices joined (the trust center decides, a refused one is asked to leave) and sends leave requests as ZDO through
 * it. Every operation the dongle does not carry out is counted ({@link TrustCenter#dongleRefused()}) and logged.
 */
final class DongleStack {

    private static final Logger LOG = LoggerFactory.getLogger(DongleStack.class);

    // "ZigBeeAlliance09", the link key every ZigBee 3.0 device may join with when install codes are not required.
    private static final String DEFAULT_TC_LINK_KEY = "5A6967426565416C6C69616E63653039";

    private final TrustCenter trustCenter;
    private final ZigBeeNetworkManager manager;
    private final DongleType type;
    /** The dongle's join mode and permit-join. */
    private DongleJoinControl joins;

    private DongleStack(TrustCenter trustCenter, ZigBeeNetworkManager manager, DongleType type) {
        this.trustCenter = trustCenter;
        this.manager = manager;
        this.type = type;
    }

    // Fails with the port and dongle type named, before any key is handed over; nothing runs then.
    static ZigBeeNetworkManager initialise(ZigBeeTransportTransmit transport, String portName,
            DongleType type) {
        ZigBeeNetworkManager manager = new ZigBeeNetworkManager(transport);
        manager.setNetworkDataStore(new MemoryNodeStore());
        manager.setSerializer(DefaultSerializer.class, DefaultDeserializer.class);
        ZigBeeStatus status = manager.initialize();
        if (status != ZigBeeStatus.SUCCESS) {
            manager.shutdown();
            throw new IllegalStateException("ZigBee dongle '" + type.name().toLowerCase(Locale.ROOT)
                    + "' on serial port " + portName + " could not be initialised (" + status + "): check that the"
                    + " port exists, is this dongle's and is readable by the Karaf user");
        }
        return manager;
    }

    /*
     * The keystore's current network key (and, under secure join, the well-known default trust-center link key) go
     * to the dongle, whose firmware then does the NWK/APS crypto.
     */
    static DongleStack start(TrustCenter trustCenter, ZigBeeNetworkManager manager, DongleRadio dongle, int panId,
            long extendedPanId, int channel) {
        DongleType type = dongle.type();
        String portName = dongle.port();
        DongleStack stack = new DongleStack(trustCenter, manager, type);
        // The dongle's firmware does NWK/APS framing itself: the trust center's own raw frames have no air to go to,
        // so leave requests go as ZDO through the stack and a rotation the driver cannot do is refused up front.
        // The stack's discovery extension learns a joined device's endpoints and clusters from its ZDO.
        trustCenter.attachRadio((nwk, frame) -> trustCenter.dongleRefused(), 0L);
        trustCenter.onMembership(m -> {
        }, stack::left);
        trustCenter.onDongle(type::keyRotationRefusal, stack::leaveThroughStack);
        StackJoins joins = stack.new StackJoins();
        manager.addAnnounceListener(joins);
        manager.addNetworkNodeListener(joins);
        manager.setZigBeeChannel(ZigBeeChannel.create(channel));
        manager.setZigBeePanId(panId);
        manager.setZigBeeExtendedPanId(new ExtendedPanId(String.format("%016X", extendedPanId)));
        try {
            stack.handNetworkKey();
        } catch (IllegalStateException e) {
            manager.shutdown();
            throw e;
        }
        if (trustCenter.policy() == JoinPolicy.SECURE_JOIN) {
            manager.setZigBeeLinkKey(new ZigBeeKey(DEFAULT_TC_LINK_KEY));
        }
        stack.joins = new DongleJoinControl(manager, type, trustCenter);
        stack.joins.applyPolicy(trustCenter.policy());
        manager.addExtension(new ZigBeeDiscoveryExtension());
        ZigbeeNetwork.widenTransactionWindow(manager);
        ZigBeeStatus status = manager.startup(true);
        if (status != ZigBeeStatus.SUCCESS) {
            manager.shutdown();
            throw new IllegalStateException("ZigBee network on dongle '" + type.name().toLowerCase(Locale.ROOT)
                    + "' at " + portName + " failed to start (" + status + ")");
        }
        return stack;
    }

    // The keystore's current network key goes to the dongle; our copies of the bytes are wiped afterwards.
    void handNetworkKey() {
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
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(value, 0);
            key.destroy();
        }
    }

    /**
     * Refuses an install code the dongle cannot take, before anything is enrolled (the device could never join).
     *
     * @throws UnsupportedOperationException for a dongle whose driver answers INSTALL_KEY with UNSUPPORTED
     */
    void checkInstallCode(String installCode) {
        if (installCode != null && !type.takesInstallKeys()) {
            trustCenter.dongleRefused();
            throw new UnsupportedOperationException("dongle '" + type.name().toLowerCase(Locale.ROOT)
                    + "' cannot take install-code link keys (its driver answers INSTALL_KEY with UNSUPPORTED): the"
                    + " device could never join; nothing was enrolled");
        }
    }

    /*
     * With a dongle, its firmware answers the join, so it needs the device's install-code link key (the drivers take
     * the derived key, e.g. as an Ember transient link key). A dongle that refuses leaves the device unable to join:
     * said in the log, the commissioning itself stands (the key stays in the keystore for a retry).
     */
    void handInstallKey(ThingId thing, long ieeeAddress) {
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
                trustCenter.dongleRefused();
                LOG.error("the dongle did not take the install-code link key of {} ({}): commissioning undone",
                        thing, status);
                trustCenter.decommission(thing);
                throw new IllegalStateException("the dongle did not take the install-code link key of " + thing
                        + " (" + status + "): it could not join, so the commissioning was undone");
            }
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(value, 0);
            key.destroy();
        }
    }

    /** The join policy changed: DENY closes the dongle's permit-join, and its join mode follows the policy. */
    void joinPolicy(JoinPolicy policy) {
        if (policy == JoinPolicy.DENY) {
            joins.permitJoin(0, policy);
        }
        joins.applyPolicy(policy);
    }

    void permitJoin(int seconds, JoinPolicy policy) {
        joins.permitJoin(seconds, policy);
    }

    /** Before the stack stops: the dongle's firmware would go on letting devices join with no hub to check them. */
    void closeJoins() {
        if (trustCenter.permitJoinRemaining() > 0) {
            joins.permitJoin(0, trustCenter.policy());
        }
    }

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
    boolean leaveThroughStack(TrustCenter.Member m) {
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
            trustCenter.dongleRefused();
            LOG.error("ZigBee leave request to {} (NWK 0x{}) was not taken by the dongle", ieee(ieeeAddress),
                    Integer.toHexString(nwk));
        }
        return sent;
    }

    private void left(TrustCenter.Member m) {
        ZigBeeNode node = manager.getNode(ieee(m.ieee));
        if (node != null) {
            manager.removeNode(node);
        }
    }

    private static IeeeAddress ieee(long address) {
        return new IeeeAddress(String.format("%016X", address));
    }
}
