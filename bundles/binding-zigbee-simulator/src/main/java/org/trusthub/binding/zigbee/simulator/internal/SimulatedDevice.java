package org.trusthub.binding.zigbee.simulator.internal;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.link.ccm.FrameCounterGuard;
import org.trusthub.security.network.zigbee.ApsCommand;
import org.trusthub.security.network.zigbee.ApsHeader;
import org.trusthub.security.network.zigbee.InstallCode;
import org.trusthub.security.network.zigbee.KeyId;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeAuxHeader;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeFrame;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;

/**
 * A simulated ZigBee end device with some of the on/off, level and temperature clusters on endpoint 1, which its ZDO
 * tells the hub's service discovery. It is a separate party:
 * it holds only its install code's link key (or the well-known default trust-center link key), the network key the
 * trust center sent it, and its own frame counters. It speaks through the shared codecs, never the hub's providers.
 * A device told to leave stops answering but keeps what it knew, like a compromised device would.
 * <p>
 * What a real device keeps in flash it keeps in its {@link DeviceMemory}: written when a key arrives, when it is set
 * to something, when it accepts a frame (the counter it saw), and once per {@value #COUNTER_BLOCK} frames it sends
 * (the counter it reserved: a device brought back from memory starts above every counter it may have used, so it never
 * sends a counter twice). A device brought back from memory is known to the hub but not where it is: it announces
 * itself again before it next speaks ({@link #rejoinPending()}).
 */
final class SimulatedDevice {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedDevice.class);
    /** How many outgoing NWK frame counters one write of the memory reserves. */
    static final long COUNTER_BLOCK = 256;
    /** The well-known default trust-center link key, "ZigBeeAlliance09". */
    static final byte[] DEFAULT_TC_LINK_KEY = "ZigBeeAlliance09".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    final long ieee;
    final int nwkAddress;
    private final byte[] linkKey;
    private final boolean installCode;
    private final java.util.Set<Integer> clusters;
    private final SimulatedZdo zdo;
    private final DeviceMemory memory;
    /** The outgoing NWK counters below this one may have been used (the memory holds it). */
    private long nwkReserved;
    /** The last counter accepted from each source, as the memory holds them. */
    private final Map<Long, Long> nwkMarks = new TreeMap<>();
    private final Map<Long, Long> apsMarks = new TreeMap<>();
    private boolean rejoinPending;

    private byte[] networkKey;
    private int keySequence = -1;
    private byte[] pendingKey;
    private int pendingSequence = -1;
    private long nwkCounter;
    private long apsCounter;
    private int sequence;
    private final FrameCounterGuard<Long> incomingNwk = new FrameCounterGuard<>();
    private final FrameCounterGuard<Long> incomingAps = new FrameCounterGuard<>();
    private boolean left;
    private boolean on;
    private int level = 0;
    private double temperature = 21.5;
    private long refused;
    private byte[] lastSent;

    SimulatedDevice(long ieee, int nwkAddress, String code, java.util.Set<Integer> clusters) {
        this(ieee, nwkAddress, code, clusters, DeviceMemory.NONE);
    }

    /** A device powered on for the first time; what it learns goes into {@code memory}. */
    SimulatedDevice(long ieee, int nwkAddress, String code, java.util.Set<Integer> clusters, DeviceMemory memory) {
        this(ieee, nwkAddress, code == null ? DEFAULT_TC_LINK_KEY.clone() : linkKey(code), code != null, clusters,
                memory);
        persist();
    }

    private static byte[] linkKey(String code) {
        InstallCode ic = InstallCode.parse(code);
        try {
            return ic.linkKey();
        } finally {
            ic.destroy();
        }
    }

    private SimulatedDevice(long ieee, int nwkAddress, byte[] linkKey, boolean installCode,
            java.util.Set<Integer> clusters, DeviceMemory memory) {
        if (clusters.isEmpty() || !Zcl.SIMULATED_CLUSTERS.containsAll(clusters)) {
            throw new IllegalArgumentException("a simulated device has one or more of the clusters "
                    + Zcl.SIMULATED_CLUSTERS.stream().map(c -> String.format("0x%04x", c)).toList() + ", not "
                    + clusters.stream().map(c -> String.format("0x%04x", c)).toList());
        }
        this.ieee = ieee;
        this.nwkAddress = nwkAddress;
        this.clusters = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(clusters));
        this.zdo = SimulatedZdo.endDevice(ieee, nwkAddress, List.of(new SimulatedZdo.Endpoint(1, Zcl.PROFILE_HA,
                deviceType(this.clusters), List.copyOf(this.clusters))));
        this.installCode = installCode;
        this.linkKey = linkKey;
        this.memory = memory;
    }

    /** A device brought back from its memory, as it was when it last wrote it. */
    static SimulatedDevice restore(Properties p, DeviceMemory memory) {
        java.util.Set<Integer> clusters = Arrays.stream(p.getProperty("clusters").split(",")).map(Integer::valueOf)
                .collect(Collectors.toSet());
        SimulatedDevice d = new SimulatedDevice(Long.parseUnsignedLong(p.getProperty("ieee"), 16),
                Integer.parseInt(p.getProperty("nwk")), HexFormat.of().parseHex(p.getProperty("linkKey")),
                Boolean.parseBoolean(p.getProperty("installCode")), clusters, memory);
        synchronized (d) {
            String key = p.getProperty("networkKey", "");
            d.networkKey = key.isEmpty() ? null : HexFormat.of().parseHex(key);
            d.keySequence = Integer.parseInt(p.getProperty("keySequence", "-1"));
            // every counter below the reserved one may have gone out before the memory was last written
            d.nwkCounter = Long.parseLong(p.getProperty("nwkReserved", "0"));
            d.nwkReserved = d.nwkCounter;
            d.sequence = Integer.parseInt(p.getProperty("sequence", "0"));
            d.left = Boolean.parseBoolean(p.getProperty("left"));
            d.on = Boolean.parseBoolean(p.getProperty("on"));
            d.level = Integer.parseInt(p.getProperty("level", "0"));
            d.temperature = Double.parseDouble(p.getProperty("temperature", "21.5"));
            marks(p, "in.nwk.", d.nwkMarks, d.incomingNwk);
            marks(p, "in.aps.", d.apsMarks, d.incomingAps);
            d.rejoinPending = d.networkKey != null && !d.left;
        }
        return d;
    }

    private static void marks(Properties p, String prefix, Map<Long, Long> marks, FrameCounterGuard<Long> guard) {
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith(prefix)) {
                long source = Long.parseUnsignedLong(name.substring(prefix.length()), 16);
                long counter = Long.parseLong(p.getProperty(name));
                marks.put(source, counter);
                guard.commit(source, counter);
            }
        }
    }

    /** Writes what the device holds now into its memory. */
    private void persist() {
        Properties p = new Properties();
        p.setProperty("ieee", String.format("%016x", ieee));
        p.setProperty("nwk", Integer.toString(nwkAddress));
        p.setProperty("linkKey", HexFormat.of().formatHex(linkKey));
        p.setProperty("installCode", Boolean.toString(installCode));
        p.setProperty("clusters", clusters.stream().map(String::valueOf).collect(Collectors.joining(",")));
        // A device that was told to leave keeps no network key in its flash (in RAM it may still try it, as an
        // attacker's copy would): the key of the network it left stays off the disk.
        p.setProperty("networkKey", networkKey == null || left ? "" : HexFormat.of().formatHex(networkKey));
        p.setProperty("keySequence", Integer.toString(keySequence));
        p.setProperty("nwkReserved", Long.toString(nwkReserved));
        p.setProperty("sequence", Integer.toString(sequence));
        p.setProperty("left", Boolean.toString(left));
        p.setProperty("on", Boolean.toString(on));
        p.setProperty("level", Integer.toString(level));
        p.setProperty("temperature", Double.toString(temperature));
        nwkMarks.forEach((source, counter) -> p.setProperty("in.nwk." + String.format("%016x", source),
                Long.toString(counter)));
        apsMarks.forEach((source, counter) -> p.setProperty("in.aps." + String.format("%016x", source),
                Long.toString(counter)));
        memory.store(ieee, p);
    }

    /** Whether the device came back from memory holding the network key and has not announced itself since. */
    synchronized boolean rejoinPending() {
        return rejoinPending;
    }

    /** The hub has placed the device again (its announce went in and its endpoints were discovered). */
    synchronized void rejoined() {
        rejoinPending = false;
    }

    /** Whether this device is the one a code and clusters describe (powered on again, not a new one). */
    boolean sameAs(String code, java.util.Set<Integer> clusters) {
        byte[] key = code == null ? DEFAULT_TC_LINK_KEY.clone() : linkKey(code);
        try {
            return installCode == (code != null) && Arrays.equals(key, linkKey) && this.clusters.equals(clusters);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    // The Home Automation device type its clusters make it: dimmable light, on/off light or temperature sensor.
    private static int deviceType(java.util.Set<Integer> clusters) {
        return clusters.contains(Zcl.CLUSTER_LEVEL) ? 0x0101 : clusters.contains(Zcl.CLUSTER_ON_OFF) ? 0x0100 : 0x0302;
    }

    boolean has(int cluster) {
        return clusters.contains(cluster);
    }

    synchronized boolean hasNetworkKey() {
        return networkKey != null;
    }

    synchronized SimulatedZigbeeNetworkView view() {
        return new SimulatedZigbeeNetworkView(ieee, nwkAddress, keySequence, networkKey != null, left, on, level,
                temperature, refused);
    }

    record SimulatedZigbeeNetworkView(long ieee, int nwk, int keySequence, boolean hasKey, boolean left, boolean on,
            int level, double temperature, long refused) {
    }

    /** Announces itself NWK-secured once it holds the network key: that proves the key arrived. */
    synchronized byte[] deviceAnnounce() {
        byte[] zdo = new byte[12];
        zdo[0] = (byte) sequence;
        zdo[1] = (byte) nwkAddress;
        zdo[2] = (byte) (nwkAddress >> 8);
        for (int i = 0; i < 8; i++) {
            zdo[3 + i] = (byte) (ieee >>> (8 * i));
        }
        zdo[11] = (byte) 0x80; // capability: allocate address
        return secured(0x0000, new ApsHeader(0, 0, false, false, false, 0, -1, Zcl.ZDO_DEVICE_ANNOUNCE, Zcl.PROFILE_ZDO,
                0, nextApsSequence(), -1, -1, -1), zdo);
    }

    /** An attribute report of the temperature, NWK-secured with the key it holds. */
    synchronized byte[] temperatureReport(double celsius) {
        if (!has(Zcl.CLUSTER_TEMPERATURE)) {
            throw new IllegalStateException(String.format("simulated device %016x has no temperature cluster", ieee));
        }
        temperature = celsius;
        int v = (int) Math.round(celsius * 100);
        byte[] zcl = {(byte) Zcl.FC_SERVER_TO_CLIENT, (byte) sequence, (byte) Zcl.REPORT_ATTRIBUTES, 0, 0,
                (byte) Zcl.TYPE_INT16, (byte) v, (byte) (v >> 8)};
        return secured(0x0000, ApsHeader.data(1, Zcl.CLUSTER_TEMPERATURE, Zcl.PROFILE_HA, 1, nextApsSequence()), zcl);
    }

    synchronized byte[] lastSent() {
        return lastSent == null ? null : lastSent.clone();
    }

    private int nextApsSequence() {
        return sequence++ & 0xFF;
    }

    private byte[] secured(int dst, ApsHeader aps, byte[] payload) {
        if (networkKey == null) {
            throw new IllegalStateException("device " + String.format("%016x", ieee) + " holds no network key");
        }
        byte[] apsFrame = concat(aps.encode(), payload);
        if (nwkCounter >= nwkReserved) {
            nwkReserved = nwkCounter + COUNTER_BLOCK;
            persist();
        }
        ZigbeeAuxHeader aux = new ZigbeeAuxHeader(KeyId.NETWORK_KEY, nwkCounter++, ieee, keySequence);
        CcmStar ccm = new CcmStar(networkKey);
        try {
            lastSent = ZigbeeCodec.protectNwk(NwkHeader.simple(0, true, dst, nwkAddress, 30, sequence, ieee), aux,
                    apsFrame, ccm);
            return lastSent.clone();
        } finally {
            ccm.destroy();
        }
    }

    /**
     * A frame from the coordinator. Returns the device's answer frames (possibly none); the air carries them back.
     */
    synchronized java.util.List<byte[]> receive(byte[] frame) {
        java.util.List<byte[]> answers = new java.util.ArrayList<>();
        try {
            ZigbeeFrame<NwkHeader> nwk = ZigbeeCodec.parseNwk(frame);
            byte[] apsBytes;
            if (nwk.secured()) {
                apsBytes = openNwk(nwk);
                if (apsBytes == null) {
                    return answers;
                }
                if (nwk.header().frameType() == 1) {
                    command(apsBytes);
                    return answers;
                }
            } else {
                apsBytes = nwk.payload();
            }
            ZigbeeFrame<ApsHeader> aps = ZigbeeCodec.parseAps(apsBytes);
            if (aps.secured()) {
                apsCommand(aps);
                return answers;
            }
            if (!nwk.secured()) {
                refused++; // application data must come NWK-secured
                return answers;
            }
            if (!left && aps.header().profile() == Zcl.PROFILE_ZDO) {
                SimulatedZdo.Answer answer = zdo.answer(aps.header().cluster(), aps.payload());
                if (answer != null) {
                    answers.add(secured(0x0000, ApsHeader.data(0, answer.cluster(), Zcl.PROFILE_ZDO, 0,
                            nextApsSequence()), answer.payload()));
                }
            } else if (!left) {
                byte[] answer = zcl(aps.header(), aps.payload());
                if (answer != null) {
                    answers.add(secured(0x0000, ApsHeader.data(aps.header().srcEndpoint(), aps.header().cluster(),
                            aps.header().profile(), aps.header().dstEndpoint(), nextApsSequence()), answer));
                }
            }
        } catch (ZigbeeSecurityException | RuntimeException e) {
            refused++;
            LOG.debug("simulated device {} refused a frame: {}", String.format("%016x", ieee), e.getMessage());
        }
        return answers;
    }

    private byte[] openNwk(ZigbeeFrame<NwkHeader> nwk) throws ZigbeeSecurityException {
        ZigbeeAuxHeader aux = nwk.aux();
        byte[] key = aux.keySequence() == keySequence ? networkKey
                : aux.keySequence() == pendingSequence ? pendingKey : null;
        if (key == null) {
            refused++;
            return null;
        }
        if (incomingNwk.check(aux.source(), aux.frameCounter()) != FrameCounterGuard.Verdict.FRESH) {
            refused++;
            return null;
        }
        CcmStar ccm = new CcmStar(key);
        try {
            byte[] plain = ZigbeeCodec.openNwk(nwk, ccm).payload();
            incomingNwk.commit(aux.source(), aux.frameCounter());
            nwkMarks.put(aux.source(), aux.frameCounter());
            persist();
            return plain;
        } finally {
            ccm.destroy();
        }
    }

    // NWK commands: only Leave (0x04) matters here.
    private void command(byte[] payload) {
        if (payload.length >= 1 && payload[0] == 0x04) {
            left = true;
            persist();
            LOG.info("simulated device {} was asked to leave the network", String.format("%016x", ieee));
        }
    }

    private void apsCommand(ZigbeeFrame<ApsHeader> aps) throws ZigbeeSecurityException {
        ZigbeeAuxHeader aux = aps.aux();
        long source = aux.source() != null ? aux.source() : 0;
        if (incomingAps.check(source, aux.frameCounter()) != FrameCounterGuard.Verdict.FRESH) {
            refused++;
            return;
        }
        byte[] k = aux.keyId().fromLinkKey(linkKey);
        CcmStar ccm = new CcmStar(k);
        byte[] plain;
        try {
            plain = ZigbeeCodec.openAps(aps, source, ccm).payload();
        } finally {
            ccm.destroy();
            Arrays.fill(k, (byte) 0);
        }
        incomingAps.commit(source, aux.frameCounter());
        apsMarks.put(source, aux.frameCounter());
        if (plain.length > 0 && (plain[0] & 0xFF) == ApsCommand.TRANSPORT_KEY) {
            ApsCommand.NetworkKeyTransport t = ApsCommand.parseTransportNetworkKey(plain);
            if (networkKey == null) {
                networkKey = t.key();
                keySequence = t.keySequence();
            } else {
                pendingKey = t.key();
                pendingSequence = t.keySequence();
            }
            Arrays.fill(plain, (byte) 0);
        } else if (plain.length > 0 && (plain[0] & 0xFF) == ApsCommand.SWITCH_KEY) {
            int seq = ApsCommand.parseSwitchKey(plain);
            if (seq == pendingSequence && pendingKey != null) {
                Arrays.fill(networkKey, (byte) 0);
                networkKey = pendingKey;
                keySequence = pendingSequence;
                pendingKey = null;
                pendingSequence = -1;
                nwkCounter = 0;
                nwkReserved = 0;
                incomingNwk.clear();
                nwkMarks.clear();
            }
        }
        persist();
    }

    // The device's clusters: on/off commands, level commands and attribute reads. Returns the ZCL answer or null.
    private byte[] zcl(ApsHeader aps, byte[] zcl) {
        if (zcl.length < 3 || aps.profile() != Zcl.PROFILE_HA) {
            return null;
        }
        int fc = zcl[0] & 0xFF;
        int seq = zcl[1] & 0xFF;
        int cmd = zcl[2] & 0xFF;
        boolean clusterSpecific = (fc & 0x03) == 1;
        boolean wantsDefaultResponse = (fc & 0x10) == 0;
        if (!clusters.contains(aps.cluster())) {
            return wantsDefaultResponse ? defaultResponse(seq, cmd, UNSUPPORTED_CLUSTER) : null;
        }
        if (clusterSpecific && aps.cluster() == Zcl.CLUSTER_ON_OFF) {
            on = cmd == 0x01 || cmd == 0x02 && !on;
            persist();
            return wantsDefaultResponse ? defaultResponse(seq, cmd) : null;
        }
        if (clusterSpecific && aps.cluster() == Zcl.CLUSTER_LEVEL && (cmd == 0x00 || cmd == 0x04) && zcl.length >= 4) {
            level = zcl[3] & 0xFF;
            if (cmd == 0x04) {
                on = level > 0;
            }
            persist();
            return wantsDefaultResponse ? defaultResponse(seq, cmd) : null;
        }
        if (!clusterSpecific && cmd == Zcl.READ_ATTRIBUTES) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(Zcl.FC_SERVER_TO_CLIENT);
            out.write(seq);
            out.write(Zcl.READ_ATTRIBUTES_RESPONSE);
            for (int i = 3; i + 1 < zcl.length; i += 2) {
                int attr = (zcl[i] & 0xFF) | (zcl[i + 1] & 0xFF) << 8;
                out.write(attr);
                out.write(attr >> 8);
                if (attr != 0) {
                    out.write(0x86); // UNSUPPORTED_ATTRIBUTE
                    continue;
                }
                out.write(0x00);
                switch (aps.cluster()) {
                    case Zcl.CLUSTER_ON_OFF -> {
                        out.write(Zcl.TYPE_BOOLEAN);
                        out.write(on ? 1 : 0);
                    }
                    case Zcl.CLUSTER_LEVEL -> {
                        out.write(Zcl.TYPE_UINT8);
                        out.write(level);
                    }
                    default -> {
                        int v = (int) Math.round(temperature * 100);
                        out.write(Zcl.TYPE_INT16);
                        out.write(v);
                        out.write(v >> 8);
                    }
                }
            }
            return out.toByteArray();
        }
        return null;
    }

    private static final int UNSUPPORTED_CLUSTER = 0xC3;

    private static byte[] defaultResponse(int seq, int cmd) {
        return defaultResponse(seq, cmd, 0);
    }

    private static byte[] defaultResponse(int seq, int cmd, int status) {
        return new byte[] {(byte) Zcl.FC_SERVER_TO_CLIENT, (byte) seq, (byte) Zcl.DEFAULT_RESPONSE, (byte) cmd,
                (byte) status};
    }

    boolean usesInstallCode() {
        return installCode;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
