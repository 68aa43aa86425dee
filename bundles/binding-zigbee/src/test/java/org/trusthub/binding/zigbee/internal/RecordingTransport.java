package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zsmartsystems.zigbee.ExtendedPanId;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeChannel;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.security.ZigBeeKey;
import com.zsmartsystems.zigbee.transport.TransportConfig;
import com.zsmartsystems.zigbee.transport.TransportConfigOption;
import com.zsmartsystems.zigbee.transport.TrustCentreJoinMode;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportReceive;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;

/**
 * A dongle's driver as the zsmartsystems network manager sees it (the radio cannot exist here): records every call,
 * keys and APS frames included, and answers as the test set it up. Shared by the dongle tests. The lists are
 * thread-safe because the manager calls from its own threads.
 */
final class RecordingTransport implements ZigBeeTransportTransmit {
    final List<ZigBeeApsFrame> frames = new CopyOnWriteArrayList<>();
    final List<ZigBeeKey> networkKeys = new CopyOnWriteArrayList<>();
    final List<ZigBeeKey> linkKeys = new CopyOnWriteArrayList<>();
    final List<ZigBeeKey> installKeys = new CopyOnWriteArrayList<>();
    final List<TransportConfigOption> configCalls = new CopyOnWriteArrayList<>();
    final List<TrustCentreJoinMode> joinModes = new CopyOnWriteArrayList<>();
    ZigBeeStatus joinModeResult = ZigBeeStatus.SUCCESS;
    ZigBeeStatus initStatus = ZigBeeStatus.SUCCESS;
    ZigBeeStatus installKeyResult = ZigBeeStatus.SUCCESS;
    ZigBeeChannel channel = ZigBeeChannel.CHANNEL_11;
    int panId;
    ExtendedPanId epanId = new ExtendedPanId();
    volatile boolean started;
    volatile ZigBeeTransportReceive receiver;

    /** The durations of the ZDO Mgmt_Permit_Joining_req frames sent so far, in order. */
    List<Integer> permitJoinDurations() {
        return frames.stream().filter(f -> f.getProfile() == 0 && f.getCluster() == 0x0036)
                .map(f -> f.getPayload()[1]).toList();
    }

    /** A key's octets as the driver got them. */
    static byte[] bytes(ZigBeeKey key) {
        int[] v = key.getValue();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Override
    public ZigBeeStatus initialize() {
        return initStatus;
    }

    @Override
    public ZigBeeStatus startup(boolean reinitialize) {
        // Reporting ONLINE would start the manager's background traffic, which needs a real NCP.
        started = true;
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public void shutdown() {
    }

    @Override
    public String getVersionString() {
        return "recording";
    }

    @Override
    public IeeeAddress getIeeeAddress() {
        return new IeeeAddress("00124B0000000001");
    }

    @Override
    public Integer getNwkAddress() {
        return 0;
    }

    @Override
    public void sendCommand(int msgTag, ZigBeeApsFrame apsFrame) {
        frames.add(apsFrame);
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
        return epanId;
    }

    @Override
    public ZigBeeStatus setZigBeeExtendedPanId(ExtendedPanId panId) {
        this.epanId = panId;
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public ZigBeeStatus setZigBeeNetworkKey(ZigBeeKey key) {
        assertNotNull(key);
        networkKeys.add(key);
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public ZigBeeKey getZigBeeNetworkKey() {
        return networkKeys.isEmpty() ? null : networkKeys.get(networkKeys.size() - 1);
    }

    @Override
    public ZigBeeStatus setTcLinkKey(ZigBeeKey key) {
        linkKeys.add(key);
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public ZigBeeKey getTcLinkKey() {
        return linkKeys.isEmpty() ? null : linkKeys.get(linkKeys.size() - 1);
    }

    @Override
    public void updateTransportConfig(TransportConfig configuration) {
        for (TransportConfigOption option : configuration.getOptions()) {
            configCalls.add(option);
            if (option == TransportConfigOption.INSTALL_KEY) {
                installKeys.add(configuration.getValue(option));
                configuration.setResult(option, installKeyResult);
            } else if (option == TransportConfigOption.TRUST_CENTRE_JOIN_MODE) {
                joinModes.add(configuration.getValue(option));
                configuration.setResult(option, joinModeResult);
            } else {
                configuration.setResult(option, ZigBeeStatus.UNSUPPORTED);
            }
        }
    }
}
