package org.trusthub.binding.zigbee.simulator.internal;

import java.util.Arrays;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.spi.HubAir;
import org.trusthub.security.network.zigbee.ApsHeader;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;

import com.zsmartsystems.zigbee.ExtendedPanId;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeChannel;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.security.ZigBeeKey;
import com.zsmartsystems.zigbee.transport.TransportConfig;
import com.zsmartsystems.zigbee.transport.TransportConfigOption;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportProgressState;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportReceive;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportState;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;

/**
 * A SIMULATED coordinator behind the ZigBee stack's transport interface. It has no security firmware: every frame goes
 * through the hub's trust center ({@link HubAir}) to be secured or opened, and the bytes go on the simulated air. It
 * never holds the network key: {@link #getZigBeeNetworkKey()} answers an empty key, and {@link #setZigBeeNetworkKey}
 * is refused, because the keystore is the only place the key lives.
 */
public final class SimulatedCoordinator implements ZigBeeTransportTransmit {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCoordinator.class);

    static final long IEEE = 0x00124B0000C0FFEEL;

    private final HubAir hub;
    private final SimulatedAir air;
    private final Simulation simulation;
    private final Runnable onShutdown;
    private boolean closed;
    private volatile ZigBeeTransportReceive receiver;
    private ZigBeeChannel channel = ZigBeeChannel.CHANNEL_15;
    private int panId;
    private ExtendedPanId extendedPanId = new ExtendedPanId("0000000000000000");
    private int sequence;
    private final Object outbound = new Object();
    private final SimulatedZdo zdo = SimulatedZdo.coordinator(IEEE);

    /**
     * @param onShutdown run once when the stack shuts the transport down (the network stopped): the simulated
     *        devices are gone with their air (what they keep in memory stays)
     */
    SimulatedCoordinator(HubAir hub, Runnable onShutdown) {
        this(hub, DeviceMemory.NONE, onShutdown);
    }

    /** @param memory where the simulated devices keep what they know across networks (updates, restarts) */
    SimulatedCoordinator(HubAir hub, DeviceMemory memory, Runnable onShutdown) {
        this.hub = hub;
        this.air = new SimulatedAir();
        this.simulation = new Simulation(hub, air, memory);
        this.onShutdown = onShutdown;
        air.attachCoordinator(this::inbound);
        hub.attach(air::sendNow, IEEE);
    }

    /** The simulated devices on this coordinator's air. */
    public SimulatedZigbeeNetwork simulation() {
        return simulation;
    }

    @Override
    public ZigBeeStatus initialize() {
        LOG.info("SIMULATED ZigBee coordinator initialised (no radio hardware; trusthub.simulated=true)");
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public ZigBeeStatus startup(boolean reinitialize) {
        ZigBeeTransportReceive r = receiver;
        if (r != null) {
            r.setTransportState(ZigBeeTransportState.ONLINE);
        }
        simulation.rejoinRestored(this::isClosed);
        return ZigBeeStatus.SUCCESS;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public void shutdown() {
        ZigBeeTransportReceive r = receiver;
        if (r != null) {
            r.setTransportState(ZigBeeTransportState.OFFLINE);
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        air.close();
        onShutdown.run();
    }

    @Override
    public String getVersionString() {
        return "trusthub simulated coordinator";
    }

    @Override
    public IeeeAddress getIeeeAddress() {
        return new IeeeAddress(String.format("%016X", IEEE));
    }

    @Override
    public Integer getNwkAddress() {
        return 0;
    }

    /** The ZigBee stack sends an APS frame: NWK-secure it with the hub's provider and put it on the air. */
    @Override
    public void sendCommand(int msgTag, ZigBeeApsFrame frame) {
        int[] p = frame.getPayload();
        byte[] payload = new byte[p == null ? 0 : p.length];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) p[i];
        }
        ApsHeader aps = ApsHeader.data(frame.getDestinationEndpoint(), frame.getCluster(), frame.getProfile(),
                frame.getSourceEndpoint(), frame.getApsCounter());
        byte[] apsFrame = Arrays.copyOf(aps.encode(), aps.length() + payload.length);
        System.arraycopy(payload, 0, apsFrame, aps.length(), payload.length);
        int dst = frame.getDestinationAddress();
        if (dst == 0) {
            // to the coordinator itself, as the stack's discovery asks: a dongle's firmware answers that, so do we
            air.local(() -> answerLocally(msgTag, frame, payload));
            return;
        }
        // The stack calls in on several threads; securing (which takes the next frame counter) and queueing on the air
        // are one step, so frames go out in counter order as from a real coordinator's MAC queue.
        synchronized (outbound) {
            send(msgTag, frame, dst, apsFrame);
        }
    }

    private void send(int msgTag, ZigBeeApsFrame frame, int dst, byte[] apsFrame) {
        try {
            byte[] nwk = hub.secureToDevice(NwkHeader.simple(0, true, dst, 0, frame.getRadius() == 0 ? 30
                    : frame.getRadius(), nextSequence(), IEEE), apsFrame);
            ZigBeeTransportReceive r = receiver;
            // With an APS ack requested the RX_ACK below says it all: the stack handles state updates on its own
            // threads, and an RX_ACK that overtakes its TX_ACK left the transaction waiting 8 s for an ack it had.
            // Broadcasts reach no simulated device (RX_NAK): their TX_ACK is what completes them.
            if (r != null && (!frame.getAckRequest() || dst >= 0xFFF8)) {
                r.receiveCommandState(msgTag, ZigBeeTransportProgressState.TX_ACK);
            }
            air.send(dst, nwk, delivered -> {
                ZigBeeTransportReceive rr = receiver;
                if (rr != null && frame.getAckRequest()) {
                    rr.receiveCommandState(msgTag,
                            delivered ? ZigBeeTransportProgressState.RX_ACK : ZigBeeTransportProgressState.RX_NAK);
                }
            });
        } catch (ZigbeeSecurityException e) {
            LOG.warn("simulated coordinator could not secure a frame to 0x{}: {}", Integer.toHexString(dst),
                    e.getMessage());
            ZigBeeTransportReceive r = receiver;
            if (r != null) {
                r.receiveCommandState(msgTag, ZigBeeTransportProgressState.TX_NAK);
            }
        }
    }

    private void answerLocally(int msgTag, ZigBeeApsFrame request, byte[] payload) {
        ZigBeeTransportReceive r = receiver;
        if (r == null) {
            return;
        }
        r.receiveCommandState(msgTag, request.getAckRequest() ? ZigBeeTransportProgressState.RX_ACK
                : ZigBeeTransportProgressState.TX_ACK);
        SimulatedZdo.Answer answer = request.getProfile() == Zcl.PROFILE_ZDO
                ? zdo.answer(request.getCluster(), payload) : null;
        if (answer == null) {
            return;
        }
        ZigBeeApsFrame f = new ZigBeeApsFrame();
        f.setSourceAddress(0);
        f.setDestinationAddress(0);
        f.setSourceEndpoint(0);
        f.setDestinationEndpoint(0);
        f.setCluster(answer.cluster());
        f.setProfile(Zcl.PROFILE_ZDO);
        f.setApsCounter(nextSequence());
        f.setSecurityEnabled(false);
        int[] p = new int[answer.payload().length];
        for (int i = 0; i < p.length; i++) {
            p[i] = answer.payload()[i] & 0xFF;
        }
        f.setPayload(p);
        r.receiveCommand(f);
    }

    private synchronized int nextSequence() {
        return sequence++ & 0xFF;
    }

    // A frame from the air: the trust center opens and checks it; accepted APS data goes up to the ZigBee stack.
    private boolean inbound(byte[] bytes) {
        Optional<HubAir.Accepted> accepted = hub.openFromDevice(bytes);
        if (accepted.isEmpty()) {
            return false;
        }
        HubAir.Accepted in = accepted.get();
        ZigBeeTransportReceive r = receiver;
        if (r != null && in.aps().isPresent()) {
            ApsHeader aps = in.aps().get();
            ZigBeeApsFrame f = new ZigBeeApsFrame();
            f.setSourceAddress(in.nwk().src());
            f.setDestinationAddress(in.nwk().dst());
            f.setSourceEndpoint(aps.srcEndpoint());
            f.setDestinationEndpoint(aps.dstEndpoint());
            f.setCluster(aps.cluster());
            f.setProfile(aps.profile());
            f.setApsCounter(aps.counter());
            f.setSecurityEnabled(false);
            byte[] bytesIn = in.payload();
            int[] payload = new int[bytesIn.length];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = bytesIn[i] & 0xFF;
            }
            f.setPayload(payload);
            r.receiveCommand(f);
        }
        return true;
    }

    @Override
    public void setZigBeeTransportReceive(ZigBeeTransportReceive receiver) {
        this.receiver = receiver;
    }

    @Override
    public ZigBeeChannel getZigBeeChannel() {
        return channel;
    }

    @Override
    public ZigBeeStatus setZigBeeChannel(ZigBeeChannel channel) {
        this.channel = channel;
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public int getZigBeePanId() {
        return panId;
    }

    @Override
    public ZigBeeStatus setZigBeePanId(int panId) {
        this.panId = panId;
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public ExtendedPanId getZigBeeExtendedPanId() {
        return extendedPanId;
    }

    @Override
    public ZigBeeStatus setZigBeeExtendedPanId(ExtendedPanId panId) {
        this.extendedPanId = panId;
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public ZigBeeStatus setZigBeeNetworkKey(ZigBeeKey key) {
        return ZigBeeStatus.UNSUPPORTED; // the network key lives in the keystore only
    }

    @Override
    public ZigBeeKey getZigBeeNetworkKey() {
        return new ZigBeeKey();
    }

    @Override
    public ZigBeeStatus setTcLinkKey(ZigBeeKey key) {
        return ZigBeeStatus.UNSUPPORTED;
    }

    @Override
    public ZigBeeKey getTcLinkKey() {
        return new ZigBeeKey();
    }

    @Override
    public void updateTransportConfig(TransportConfig config) {
        for (TransportConfigOption option : config.getOptions()) {
            config.setResult(option, ZigBeeStatus.UNSUPPORTED);
        }
    }
}
