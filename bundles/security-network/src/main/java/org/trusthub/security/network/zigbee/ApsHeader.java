package org.trusthub.security.network.zigbee;

import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;

/**
 * The ZigBee APS frame header (ZigBee specification 2.2.5.1): frame control, then, depending on frame type and
 * delivery mode, destination endpoint or group address, cluster, profile, source endpoint, the APS counter and the
 * extended header (fragmentation). Absent fields are -1.
 *
 * @param frameType 0 data, 1 command, 2 acknowledgment (3, inter-PAN, is refused)
 * @param deliveryMode 0 unicast, 2 broadcast, 3 group
 * @param fragmentation -1 without extended header, else 0 none, 1 first block, 2 later block
 * @param blockNumber with fragmentation 1 or 2, else -1
 * @param ackBitfield for acknowledgments of fragmented frames, else -1
 */
public record ApsHeader(int frameType, int deliveryMode, boolean ackFormat, boolean security, boolean ackRequest,
        int dstEndpoint, int group, int cluster, int profile, int srcEndpoint, int counter, int fragmentation,
        int blockNumber, int ackBitfield) {

    public static final int DATA = 0;
    public static final int COMMAND = 1;
    public static final int ACK = 2;

    /** A unicast data frame header. */
    public static ApsHeader data(int dstEndpoint, int cluster, int profile, int srcEndpoint, int counter) {
        return new ApsHeader(DATA, 0, false, false, false, dstEndpoint & 0xFF, -1, cluster & 0xFFFF,
                profile & 0xFFFF, srcEndpoint & 0xFF, counter & 0xFF, -1, -1, -1);
    }

    /** A command frame header. */
    public static ApsHeader command(int counter) {
        return new ApsHeader(COMMAND, 0, false, false, false, -1, -1, -1, -1, -1, counter & 0xFF, -1, -1, -1);
    }

    public ApsHeader withSecurity(boolean secured) {
        return new ApsHeader(frameType, deliveryMode, ackFormat, secured, ackRequest, dstEndpoint, group, cluster,
                profile, srcEndpoint, counter, fragmentation, blockNumber, ackBitfield);
    }

    private boolean addressed() {
        return frameType == DATA || frameType == ACK && !ackFormat;
    }

    public int length() {
        int n = 1;
        if (addressed()) {
            n += (deliveryMode == 3 ? 2 : 1) + 2 + 2 + 1;
        }
        n += 1;
        if (fragmentation >= 0) {
            n += 1 + (fragmentation != 0 ? 1 : 0) + (ackBitfield >= 0 ? 1 : 0);
        }
        return n;
    }

    public byte[] encode() {
        byte[] out = new byte[length()];
        out[0] = (byte) (frameType | deliveryMode << 2 | (ackFormat ? 0x10 : 0) | (security ? 0x20 : 0)
                | (ackRequest ? 0x40 : 0) | (fragmentation >= 0 ? 0x80 : 0));
        int p = 1;
        if (addressed()) {
            if (deliveryMode == 3) {
                p = Le.put(out, p, group, 2);
            } else {
                out[p++] = (byte) dstEndpoint;
            }
            p = Le.put(out, p, cluster, 2);
            p = Le.put(out, p, profile, 2);
            out[p++] = (byte) srcEndpoint;
        }
        out[p++] = (byte) counter;
        if (fragmentation >= 0) {
            out[p++] = (byte) fragmentation;
            if (fragmentation != 0) {
                out[p++] = (byte) blockNumber;
            }
            if (ackBitfield >= 0) {
                out[p++] = (byte) ackBitfield;
            }
        }
        return out;
    }

    /**
     * Parses the header at {@code offset} (the start of the NWK payload).
     *
     * @throws ZigbeeSecurityException {@link Reason#MALFORMED} if truncated or using reserved values
     */
    public static ApsHeader parse(byte[] frame, int offset) throws ZigbeeSecurityException {
        Le r = new Le(frame, offset);
        int fc = (int) r.read(1, "APS frame control", Reason.MALFORMED);
        int type = fc & 0x03;
        int mode = fc >> 2 & 0x03;
        if (type == 3) {
            throw new ZigbeeSecurityException(Reason.UNSUPPORTED, "inter-PAN APS frames are not handled");
        }
        if (mode == 1) {
            throw new ZigbeeSecurityException(Reason.MALFORMED, "reserved APS delivery mode 1 (indirect)");
        }
        boolean ackFormat = (fc & 0x10) != 0;
        boolean addressed = type == DATA || type == ACK && !ackFormat;
        int dstEp = -1;
        int group = -1;
        int cluster = -1;
        int profile = -1;
        int srcEp = -1;
        if (addressed) {
            if (mode == 3) {
                group = (int) r.read(2, "group address", Reason.MALFORMED);
            } else {
                dstEp = (int) r.read(1, "destination endpoint", Reason.MALFORMED);
            }
            cluster = (int) r.read(2, "cluster identifier", Reason.MALFORMED);
            profile = (int) r.read(2, "profile identifier", Reason.MALFORMED);
            srcEp = (int) r.read(1, "source endpoint", Reason.MALFORMED);
        }
        int counter = (int) r.read(1, "APS counter", Reason.MALFORMED);
        int frag = -1;
        int block = -1;
        int ackBits = -1;
        if ((fc & 0x80) != 0) {
            int ext = (int) r.read(1, "extended frame control", Reason.MALFORMED);
            frag = ext & 0x03;
            if (frag == 3 || (ext & 0xFC) != 0) {
                throw new ZigbeeSecurityException(Reason.MALFORMED, "reserved APS extended frame control value");
            }
            if (frag != 0) {
                block = (int) r.read(1, "block number", Reason.MALFORMED);
                if (type == ACK) {
                    ackBits = (int) r.read(1, "ack bitfield", Reason.MALFORMED);
                }
            }
        }
        return new ApsHeader(type, mode, ackFormat, (fc & 0x20) != 0, (fc & 0x40) != 0, dstEp, group, cluster,
                profile, srcEp, counter, frag, block, ackBits);
    }
}
