package org.trusthub.binding.zigbee.simulator.internal;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The ZigBee Device Object of a simulated node: it answers the service discovery requests (ZigBee specification
 * 2.4.3.1 and 2.4.4.2) the hub's stack sends after a device joins, from what the node really has, so the hub learns
 * a simulated device's endpoints and clusters the way it learns a real one's. Requests it does not serve get
 * NOT_SUPPORTED, as a real device's ZDO answers them.
 */
final class SimulatedZdo {

    static final int LOGICAL_COORDINATOR = 0;
    static final int LOGICAL_END_DEVICE = 2;

    static final int NWK_ADDR_REQ = 0x0000;
    static final int IEEE_ADDR_REQ = 0x0001;
    static final int NODE_DESC_REQ = 0x0002;
    static final int POWER_DESC_REQ = 0x0003;
    static final int SIMPLE_DESC_REQ = 0x0004;
    static final int ACTIVE_EP_REQ = 0x0005;
    static final int RESPONSE = 0x8000;

    private static final int SUCCESS = 0x00;
    private static final int DEVICE_NOT_FOUND = 0x81;
    private static final int NOT_ACTIVE = 0x83;
    private static final int NOT_SUPPORTED = 0x84;

    /** One application endpoint: its profile, device type and server (input) clusters. */
    record Endpoint(int id, int profile, int deviceId, List<Integer> inputClusters) {
        Endpoint {
            inputClusters = List.copyOf(inputClusters);
        }
    }

    /** A ZDO response: its cluster (the request's with bit 15 set) and payload. */
    record Answer(int cluster, byte[] payload) {
    }

    private final long ieee;
    private final int nwk;
    private final int logicalType;
    private final int macCapabilities;
    private final int serverMask;
    private final List<Endpoint> endpoints;

    private SimulatedZdo(long ieee, int nwk, int logicalType, int macCapabilities, int serverMask,
            List<Endpoint> endpoints) {
        this.ieee = ieee;
        this.nwk = nwk;
        this.logicalType = logicalType;
        this.macCapabilities = macCapabilities;
        this.serverMask = serverMask;
        this.endpoints = List.copyOf(endpoints);
    }

    /** A mains-powered end device that keeps its receiver on (no polling), with the given endpoints. */
    static SimulatedZdo endDevice(long ieee, int nwk, List<Endpoint> endpoints) {
        // MAC capabilities: allocate address, receiver on when idle, mains powered
        return new SimulatedZdo(ieee, nwk, LOGICAL_END_DEVICE, 0x8C, 0x0000, endpoints);
    }

    /** The coordinator: it is the network's primary trust center and has no application endpoint of its own. */
    static SimulatedZdo coordinator(long ieee) {
        // MAC capabilities: alternate PAN coordinator, full function device, mains powered, receiver on
        return new SimulatedZdo(ieee, 0x0000, LOGICAL_COORDINATOR, 0x0F, 0x0001, List.of());
    }

    /** The answer to a ZDO request (APS cluster and payload, the transaction sequence first), or null for none. */
    Answer answer(int cluster, byte[] request) {
        if (request.length < 1 || (cluster & RESPONSE) != 0) {
            return null; // a response or an announce: nothing to answer
        }
        int seq = request[0] & 0xFF;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(seq);
        switch (cluster) {
            case NWK_ADDR_REQ, IEEE_ADDR_REQ -> {
                boolean byIeee = cluster == NWK_ADDR_REQ;
                if (byIeee ? request.length < 9 || le(request, 1, 8) != ieee : request.length < 3 || le(request, 1, 2)
                        != nwk) {
                    if (!byIeee) {
                        out.write(DEVICE_NOT_FOUND);
                        return new Answer(cluster | RESPONSE, out.toByteArray());
                    }
                    return null; // a broadcast NWK_addr_req for another device: only that device answers
                }
                out.write(SUCCESS);
                writeLe(out, ieee, 8);
                writeLe(out, nwk, 2);
                out.write(0); // no associated devices listed
                out.write(0); // start index
            }
            case NODE_DESC_REQ -> {
                if (!forMe(request, out)) {
                    return new Answer(cluster | RESPONSE, out.toByteArray());
                }
                out.write(logicalType);
                out.write(0x40); // APS flags 0; frequency band 2.4 GHz
                out.write(macCapabilities);
                writeLe(out, 0x0000, 2); // manufacturer code
                out.write(82); // maximum buffer size
                writeLe(out, 82, 2); // maximum incoming transfer size
                writeLe(out, serverMask, 2);
                writeLe(out, 82, 2); // maximum outgoing transfer size
                out.write(0); // descriptor capabilities
            }
            case POWER_DESC_REQ -> {
                if (!forMe(request, out)) {
                    return new Answer(cluster | RESPONSE, out.toByteArray());
                }
                out.write(0x10); // receiver on when idle; mains available
                out.write(0xC1); // on mains, full
            }
            case ACTIVE_EP_REQ -> {
                if (!forMe(request, out)) {
                    return new Answer(cluster | RESPONSE, out.toByteArray());
                }
                out.write(endpoints.size());
                endpoints.forEach(e -> out.write(e.id()));
            }
            case SIMPLE_DESC_REQ -> {
                if (request.length < 4) {
                    return null;
                }
                int id = request[3] & 0xFF;
                Endpoint e = endpoints.stream().filter(x -> x.id() == id).findFirst().orElse(null);
                if (!forMe(request, out)) {
                    return new Answer(cluster | RESPONSE, out.toByteArray());
                }
                if (e == null) {
                    byte[] b = out.toByteArray();
                    b[1] = (byte) NOT_ACTIVE;
                    return new Answer(cluster | RESPONSE, concat(b, new byte[] {0}));
                }
                ByteArrayOutputStream d = new ByteArrayOutputStream();
                d.write(e.id());
                writeLe(d, e.profile(), 2);
                writeLe(d, e.deviceId(), 2);
                d.write(0); // device version
                d.write(e.inputClusters().size());
                e.inputClusters().forEach(c -> writeLe(d, c, 2));
                d.write(0); // no output clusters
                out.write(d.size());
                out.writeBytes(d.toByteArray());
            }
            default -> out.write(NOT_SUPPORTED);
        }
        return new Answer(cluster | RESPONSE, out.toByteArray());
    }

    // The NWK address of interest follows the sequence: SUCCESS and the address if it is ours, else DEVICE_NOT_FOUND.
    private boolean forMe(byte[] request, ByteArrayOutputStream out) {
        boolean mine = request.length >= 3 && le(request, 1, 2) == nwk;
        out.write(mine ? SUCCESS : DEVICE_NOT_FOUND);
        writeLe(out, request.length >= 3 ? le(request, 1, 2) : nwk, 2);
        return mine;
    }

    private static long le(byte[] b, int offset, int length) {
        long v = 0;
        for (int i = length - 1; i >= 0; i--) {
            v = v << 8 | (b[offset + i] & 0xFF);
        }
        return v;
    }

    private static void writeLe(ByteArrayOutputStream out, long value, int length) {
        for (int i = 0; i < length; i++) {
            out.write((int) (value >>> (8 * i)));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return SimulatedDevice.concat(a, b);
    }
}
