package org.trusthub.binding.zigbee.internal;

import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.zigbee.spi.JoinPolicy;

import com.zsmartsystems.zigbee.ZigBeeBroadcastDestination;
import com.zsmartsystems.zigbee.ZigBeeEndpointAddress;
import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.transport.TransportConfig;
import com.zsmartsystems.zigbee.transport.TransportConfigOption;
import com.zsmartsystems.zigbee.transport.TrustCentreJoinMode;
import com.zsmartsystems.zigbee.zdo.command.ManagementPermitJoiningRequest;

/**
 * Makes a dongle's firmware enforce the hub's join policy: its trust-centre join mode follows the policy, and its
 * permit-join follows the hub's permit-join window (closed whatever the window under DENY). The hub still checks
 * every device the dongle lets in ({@link TrustCenter#admitThroughStack}); this keeps the firmware from letting them
 * in at all.
 */
final class DongleJoinControl {

    private static final Logger LOG = LoggerFactory.getLogger(DongleJoinControl.class);

    private final ZigBeeNetworkManager manager;
    private final DongleType type;
    private final TrustCenter trustCenter;

    DongleJoinControl(ZigBeeNetworkManager manager, DongleType type, TrustCenter trustCenter) {
        this.manager = manager;
        this.type = type;
        this.trustCenter = trustCenter;
    }

    /** The firmware's trust-centre join mode for a policy. */
    static TrustCentreJoinMode joinMode(JoinPolicy policy) {
        return switch (policy) {
            case DENY -> TrustCentreJoinMode.TC_JOIN_DENY;
            case INSTALL_CODE_ONLY -> TrustCentreJoinMode.TC_JOIN_INSTALLCODE;
            case SECURE_JOIN -> TrustCentreJoinMode.TC_JOIN_SECURE;
        };
    }

    /**
     * Sets the dongle's trust-centre join mode. A driver that cannot (cc2531, xbee and conbee answer UNSUPPORTED) or a
     * dongle that fails leaves the hub's own check as the only one: said in the log and counted, never silently.
     */
    ZigBeeStatus applyPolicy(JoinPolicy policy) {
        TrustCentreJoinMode mode = joinMode(policy);
        TransportConfig config = new TransportConfig(TransportConfigOption.TRUST_CENTRE_JOIN_MODE, mode);
        manager.getZigBeeTransport().updateTransportConfig(config);
        ZigBeeStatus status = config.getResult(TransportConfigOption.TRUST_CENTRE_JOIN_MODE);
        if (status == ZigBeeStatus.SUCCESS) {
            LOG.info("ZigBee dongle '{}' trust-centre join mode set to {} (policy {})", name(), mode, policy);
        } else {
            trustCenter.dongleRefused();
            LOG.warn("ZigBee dongle '{}' did not take trust-centre join mode {} ({}): the dongle's firmware may let"
                    + " in devices policy {} refuses; the hub asks each of them to leave", name(), mode, status,
                    policy);
        }
        return status;
    }

    /**
     * Opens or closes the dongle's permit-join: a ZDO Mgmt_Permit_Joining_req to the routers and one to the
     * coordinator itself (the firmware closes it when the duration ends); closed under DENY whatever is asked. Sent
     * directly, as the leave requests are, not queued behind the stack's transactions.
     */
    void permitJoin(int seconds, JoinPolicy policy) {
        int duration = policy == JoinPolicy.DENY ? 0 : seconds;
        boolean sent = send(ZigBeeBroadcastDestination.BROADCAST_ROUTERS_AND_COORD.getKey(), duration)
                & send(0, duration);
        if (!sent) {
            trustCenter.dongleRefused();
            LOG.warn("ZigBee dongle '{}': permit-join for {} s was not taken by the dongle", name(), duration);
        } else if (duration != seconds) {
            LOG.info("ZigBee dongle '{}': permit-join kept closed, the join policy is DENY", name());
        }
    }

    private boolean send(int destination, int duration) {
        ManagementPermitJoiningRequest request = new ManagementPermitJoiningRequest(duration, Boolean.TRUE);
        request.setDestinationAddress(new ZigBeeEndpointAddress(destination));
        request.setSourceAddress(new ZigBeeEndpointAddress(0));
        return manager.sendCommand(request);
    }

    private String name() {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
