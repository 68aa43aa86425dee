package org.trusthub.security.network.zigbee;

import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;

/**
 * The ZigBee NWK frame header (ZigBee specification 3.3.1): frame control, destination and source short addresses,
 * radius, sequence number, optional destination and source IEEE addresses, multicast control and source route.
 *
 * @param frameType 0 data, 1 command, 3 inter-PAN
 * @param security whether the frame is secured (an auxiliary header follows)
 * @param dstIeee destination IEEE address or {@code null}
 * @param srcIeee source IEEE address or {@code null}
 * @param multicastControl -1 unless the multicast flag is set
 * @param relays the source route's relay list (empty without one)
 */
public record NwkHeader(int frameType, int protocolVersion, int discoverRoute, boolean security, int dst, int src,
        int radius, int sequence, Long dstIeee, Long srcIeee, int multicastControl, int relayIndex, int[] relays,
        boolean endDeviceInitiator) {

    /** The protocol version of ZigBee PRO. */
    public static final int PROTOCOL_VERSION = 2;

    public NwkHeader {
        if (frameType < 0 || frameType > 3 || frameType == 2) {
            throw new IllegalArgumentException("NWK frame type must be 0, 1 or 3");
        }
        relays = relays == null ? new int[0] : relays.clone();
    }

    /** A plain data or command frame header between two short addresses, with the sender's IEEE address. */
    public static NwkHeader simple(int frameType, boolean security, int dst, int src, int radius, int sequence,
            Long srcIeee) {
        return new NwkHeader(frameType, PROTOCOL_VERSION, 0, security, dst & 0xFFFF, src & 0xFFFF, radius & 0xFF,
                sequence & 0xFF, null, srcIeee, -1, 0, new int[0], false);
    }

    public NwkHeader withSecurity(boolean secured) {
        return new NwkHeader(frameType, protocolVersion, discoverRoute, secured, dst, src, radius, sequence, dstIeee,
                srcIeee, multicastControl, relayIndex, relays, endDeviceInitiator);
    }

    public int length() {
        return 8 + (dstIeee != null ? 8 : 0) + (srcIeee != null ? 8 : 0) + (multicastControl >= 0 ? 1 : 0)
                + (relays.length > 0 ? 2 + 2 * relays.length : 0);
    }

    public byte[] encode() {
        byte[] out = new byte[length()];
        int fc = frameType | protocolVersion << 2 | discoverRoute << 6 | (multicastControl >= 0 ? 1 << 8 : 0)
                | (security ? 1 << 9 : 0) | (relays.length > 0 ? 1 << 10 : 0) | (dstIeee != null ? 1 << 11 : 0)
                | (srcIeee != null ? 1 << 12 : 0) | (endDeviceInitiator ? 1 << 13 : 0);
        int p = Le.put(out, 0, fc, 2);
        p = Le.put(out, p, dst, 2);
        p = Le.put(out, p, src, 2);
        out[p++] = (byte) radius;
        out[p++] = (byte) sequence;
        if (dstIeee != null) {
            p = Le.put(out, p, dstIeee, 8);
        }
        if (srcIeee != null) {
            p = Le.put(out, p, srcIeee, 8);
        }
        if (multicastControl >= 0) {
            out[p++] = (byte) multicastControl;
        }
        if (relays.length > 0) {
            out[p++] = (byte) relays.length;
            out[p++] = (byte) relayIndex;
            for (int relay : relays) {
                p = Le.put(out, p, relay, 2);
            }
        }
        return out;
    }

    /**
     * Parses the header at the start of a NWK frame.
     *
     * @throws ZigbeeSecurityException {@link Reason#MALFORMED} if truncated or using reserved values
     */
    public static NwkHeader parse(byte[] frame) throws ZigbeeSecurityException {
        if (frame == null) {
            throw new ZigbeeSecurityException(Reason.MALFORMED, "NWK frame is missing");
        }
        Le r = new Le(frame, 0);
        int fc = (int) r.read(2, "frame control", Reason.MALFORMED);
        int type = fc & 0x03;
        if (type == 2) {
            throw new ZigbeeSecurityException(Reason.MALFORMED, "reserved NWK frame type 2");
        }
        if ((fc & 0xC000) != 0) {
            throw new ZigbeeSecurityException(Reason.MALFORMED, "NWK frame control uses reserved bits");
        }
        int version = fc >> 2 & 0x0F;
        if (type == 3) {
            throw new ZigbeeSecurityException(Reason.UNSUPPORTED, "inter-PAN frames are not handled");
        }
        int dst = (int) r.read(2, "destination address", Reason.MALFORMED);
        int src = (int) r.read(2, "source address", Reason.MALFORMED);
        int radius = (int) r.read(1, "radius", Reason.MALFORMED);
        int seq = (int) r.read(1, "sequence number", Reason.MALFORMED);
        Long dstIeee = (fc & 1 << 11) != 0 ? r.read(8, "destination IEEE address", Reason.MALFORMED) : null;
        Long srcIeee = (fc & 1 << 12) != 0 ? r.read(8, "source IEEE address", Reason.MALFORMED) : null;
        int mc = (fc & 1 << 8) != 0 ? (int) r.read(1, "multicast control", Reason.MALFORMED) : -1;
        int relayIndex = 0;
        int[] relays = new int[0];
        if ((fc & 1 << 10) != 0) {
            int count = (int) r.read(1, "relay count", Reason.MALFORMED);
            relayIndex = (int) r.read(1, "relay index", Reason.MALFORMED);
            if (count == 0 || relayIndex >= count) {
                throw new ZigbeeSecurityException(Reason.MALFORMED,
                        "source route with relay index " + relayIndex + " of " + count + " relays");
            }
            relays = new int[count];
            for (int i = 0; i < count; i++) {
                relays[i] = (int) r.read(2, "relay list", Reason.MALFORMED);
            }
        }
        return new NwkHeader(type, version, fc >> 6 & 0x03, (fc & 1 << 9) != 0, dst, src, radius, seq, dstIeee,
                srcIeee, mc, relayIndex, relays, (fc & 1 << 13) != 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NwkHeader h && java.util.Arrays.equals(encode(), h.encode());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return String.format("NwkHeader[type %d, 0x%04x -> 0x%04x, seq %d%s]", frameType, src, dst, sequence,
                security ? ", secured" : "");
    }
}
