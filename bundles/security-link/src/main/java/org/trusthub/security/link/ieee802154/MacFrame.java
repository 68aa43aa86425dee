package org.trusthub.security.link.ieee802154;

import java.util.Arrays;
import java.util.Optional;

import org.trusthub.security.link.ieee802154.FrameSecurityException.Reason;

/**
 * An IEEE 802.15.4-2006 MAC frame without its FCS, split the way frame security needs it: the MAC header (up to and
 * including the auxiliary security header), the open part of the payload that is authenticated but never encrypted
 * (the beacon's superframe, GTS and pending address fields, or the command frame identifier), the private payload
 * and the MIC. Immutable; arrays are copied out.
 */
public final class MacFrame {

    /** Longest PSDU (aMaxPHYPacketSize) less the 2-byte FCS. */
    public static final int MAX_FRAME_LENGTH = 125;

    /** Frame types (frame control bits 0-2). */
    public enum Type {
        BEACON, DATA, ACK, COMMAND
    }

    private final Type type;
    private final int frameControl;
    private final int sequence;
    private final int dstPan;
    private final MacAddress dst;
    private final int srcPan;
    private final MacAddress src;
    private final AuxSecurityHeader aux;
    private final byte[] header;
    private final byte[] open;
    private final byte[] privatePayload;
    private final byte[] mic;

    private MacFrame(int frameControl, int sequence, int dstPan, MacAddress dst, int srcPan, MacAddress src,
            AuxSecurityHeader aux, byte[] header, byte[] open, byte[] privatePayload, byte[] mic) {
        this.type = Type.values()[frameControl & 0x03];
        this.frameControl = frameControl;
        this.sequence = sequence;
        this.dstPan = dstPan;
        this.dst = dst;
        this.srcPan = srcPan;
        this.src = src;
        this.aux = aux;
        this.header = header;
        this.open = open;
        this.privatePayload = privatePayload;
        this.mic = mic;
    }

    /**
     * Parses a frame (without FCS).
     *
     * @throws FrameSecurityException {@link Reason#MALFORMED} for a truncated frame or reserved values,
     *         {@link Reason#BAD_AUX_HEADER} for a bad auxiliary security header
     */
    public static MacFrame parse(byte[] frame) throws FrameSecurityException {
        if (frame == null || frame.length < 3) {
            throw new FrameSecurityException(Reason.MALFORMED, "MAC frame is " + (frame == null ? "missing"
                    : frame.length + " bytes") + ", at least 3 (frame control and sequence number) needed");
        }
        if (frame.length > MAX_FRAME_LENGTH) {
            throw new FrameSecurityException(Reason.MALFORMED,
                    "MAC frame is " + frame.length + " bytes, longer than " + MAX_FRAME_LENGTH);
        }
        int fc = (frame[0] & 0xFF) | (frame[1] & 0xFF) << 8;
        int typeBits = fc & 0x07;
        if (typeBits > 3) {
            throw new FrameSecurityException(Reason.MALFORMED, "reserved frame type " + typeBits);
        }
        boolean security = (fc & 0x08) != 0;
        boolean panCompression = (fc & 0x40) != 0;
        int dstMode = fc >> 10 & 0x03;
        int version = fc >> 12 & 0x03;
        int srcMode = fc >> 14 & 0x03;
        if (dstMode == 1 || srcMode == 1) {
            throw new FrameSecurityException(Reason.MALFORMED, "reserved addressing mode 1");
        }
        if (version > 1) {
            throw new FrameSecurityException(Reason.MALFORMED, "frame version " + version + " is not 2003 or 2006");
        }
        if (panCompression && (dstMode == 0 || srcMode == 0)) {
            throw new FrameSecurityException(Reason.MALFORMED,
                    "PAN ID compression needs both a source and a destination address");
        }
        if (typeBits == 2 && (security || dstMode != 0 || srcMode != 0)) {
            throw new FrameSecurityException(Reason.MALFORMED, "an acknowledgment carries no addresses or security");
        }
        if (security && version == 0) {
            throw new FrameSecurityException(Reason.BAD_AUX_HEADER,
                    "IEEE 802.15.4-2003 security (frame version 0) is not supported");
        }
        Reader r = new Reader(frame, 3);
        int dstPan = -1;
        MacAddress dst = MacAddress.NONE;
        if (dstMode != 0) {
            dstPan = (int) r.le(2, "destination PAN identifier");
            dst = new MacAddress(dstMode, r.le(dstMode == 2 ? 2 : 8, "destination address"));
        }
        int srcPan = -1;
        MacAddress src = MacAddress.NONE;
        if (srcMode != 0) {
            srcPan = panCompression ? dstPan : (int) r.le(2, "source PAN identifier");
            src = new MacAddress(srcMode, r.le(srcMode == 2 ? 2 : 8, "source address"));
        }
        AuxSecurityHeader aux = null;
        if (security) {
            aux = AuxSecurityHeader.parse(frame, r.pos);
            r.pos += aux.length();
        }
        int headerEnd = r.pos;
        int openEnd = openPayloadEnd(Type.values()[typeBits], frame, headerEnd);
        int micLength = aux == null ? 0 : aux.level().micLength();
        if (frame.length - openEnd < micLength) {
            throw new FrameSecurityException(Reason.MALFORMED,
                    "frame too short for its " + micLength + "-byte MIC");
        }
        return new MacFrame(fc, frame[2] & 0xFF, dstPan, dst, srcPan, src, aux,
                Arrays.copyOfRange(frame, 0, headerEnd), Arrays.copyOfRange(frame, headerEnd, openEnd),
                Arrays.copyOfRange(frame, openEnd, frame.length - micLength),
                Arrays.copyOfRange(frame, frame.length - micLength, frame.length));
    }

    // Where the payload's never-encrypted part ends (IEEE 802.15.4-2006 7.5.8.2.1, step b).
    private static int openPayloadEnd(Type type, byte[] frame, int start) throws FrameSecurityException {
        Reader r = new Reader(frame, start);
        switch (type) {
            case BEACON -> {
                r.skip(2, "superframe specification");
                int gts = (int) r.le(1, "GTS specification");
                int gtsCount = gts & 0x07;
                if (gtsCount > 0) {
                    r.skip(1 + 3 * gtsCount, "GTS list");
                }
                int pending = (int) r.le(1, "pending address specification");
                r.skip(2 * (pending & 0x07) + 8 * (pending >> 4 & 0x07), "pending address list");
            }
            case COMMAND -> r.skip(1, "command frame identifier");
            default -> {
                // data and acknowledgment frames: the whole payload is private
            }
        }
        return r.pos;
    }

    /**
     * Builds an unsecured frame (security disabled) from its fields.
     *
     * @param open the never-encrypted part of the payload (see the class comment)
     */
    public static MacFrame unsecured(Type type, int sequence, int dstPan, MacAddress dst, int srcPan, MacAddress src,
            byte[] open, byte[] payload) {
        int fc = type.ordinal() | dst.mode() << 10 | 1 << 12 | src.mode() << 14;
        if (dst.mode() != 0 && src.mode() != 0 && dstPan == srcPan) {
            fc |= 0x40;
        }
        return build(fc, sequence, dstPan, dst, srcPan, src, null, open, payload, new byte[0]);
    }

    /** This frame with security enabled, the given auxiliary header, the private payload and MIC replaced. */
    MacFrame secured(AuxSecurityHeader newAux, byte[] newPrivate, byte[] newMic) {
        int fc = frameControl | 0x08 | 1 << 12;
        return build(fc, sequence, dstPan, dst, srcPan, src, newAux, open, newPrivate, newMic);
    }

    /** This frame with security disabled and the given (opened) private payload: what the upper layer sees. */
    MacFrame opened(byte[] plainPayload) {
        return build(frameControl & ~0x08, sequence, dstPan, dst, srcPan, src, null, open, plainPayload,
                new byte[0]);
    }

    private static MacFrame build(int fc, int sequence, int dstPan, MacAddress dst, int srcPan, MacAddress src,
            AuxSecurityHeader aux, byte[] open, byte[] payload, byte[] mic) {
        if (sequence < 0 || sequence > 0xFF) {
            throw new IllegalArgumentException("sequence number must be 0 to 255");
        }
        boolean compression = (fc & 0x40) != 0;
        int len = 3 + (dst.mode() != 0 ? 2 + dst.length() : 0)
                + (src.mode() != 0 ? (compression ? 0 : 2) + src.length() : 0) + (aux == null ? 0 : aux.length());
        byte[] header = new byte[len];
        header[0] = (byte) fc;
        header[1] = (byte) (fc >> 8);
        header[2] = (byte) sequence;
        int p = 3;
        if (dst.mode() != 0) {
            p = Bytes.putLe(header, p, dstPan, 2);
            p = Bytes.putLe(header, p, dst.value(), dst.length());
        }
        if (src.mode() != 0) {
            if (!compression) {
                p = Bytes.putLe(header, p, srcPan, 2);
            }
            p = Bytes.putLe(header, p, src.value(), src.length());
        }
        if (aux != null) {
            aux.writeTo(header, p);
        }
        if (header.length + open.length + payload.length + mic.length > MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("MAC frame would exceed " + MAX_FRAME_LENGTH + " bytes");
        }
        return new MacFrame(fc, sequence, dstPan, dst, srcPan, src, aux, header, open.clone(), payload.clone(),
                mic.clone());
    }

    /** The frame on the air, without FCS. */
    public byte[] encode() {
        byte[] out = new byte[header.length + open.length + privatePayload.length + mic.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(open, 0, out, header.length, open.length);
        System.arraycopy(privatePayload, 0, out, header.length + open.length, privatePayload.length);
        System.arraycopy(mic, 0, out, out.length - mic.length, mic.length);
        return out;
    }

    public Type type() {
        return type;
    }

    public int frameControl() {
        return frameControl;
    }

    public boolean securityEnabled() {
        return aux != null;
    }

    public int sequence() {
        return sequence;
    }

    /** Destination PAN identifier, or -1 if absent. */
    public int dstPan() {
        return dstPan;
    }

    public MacAddress dst() {
        return dst;
    }

    /** Source PAN identifier (the destination's under PAN ID compression), or -1 if absent. */
    public int srcPan() {
        return srcPan;
    }

    public MacAddress src() {
        return src;
    }

    public Optional<AuxSecurityHeader> aux() {
        return Optional.ofNullable(aux);
    }

    /** The MAC header up to and including the auxiliary security header. */
    public byte[] header() {
        return header.clone();
    }

    /** The payload's never-encrypted part. */
    public byte[] openPayload() {
        return open.clone();
    }

    /** The payload's private part (encrypted on the air at encrypting levels). */
    public byte[] privatePayload() {
        return privatePayload.clone();
    }

    public byte[] mic() {
        return mic.clone();
    }

    @Override
    public String toString() {
        return "MacFrame[" + type + " seq " + sequence + ", " + src + " -> " + dst
                + (aux == null ? ", unsecured" : ", " + aux.level() + " counter " + aux.frameCounter()) + ", "
                + (open.length + privatePayload.length) + " payload bytes]";
    }

    private static final class Reader {
        final byte[] b;
        int pos;

        Reader(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        long le(int n, String field) throws FrameSecurityException {
            need(n, field);
            long v = Bytes.getLe(b, pos, n);
            pos += n;
            return v;
        }

        void skip(int n, String field) throws FrameSecurityException {
            need(n, field);
            pos += n;
        }

        private void need(int n, String field) throws FrameSecurityException {
            if (pos + n > b.length) {
                throw new FrameSecurityException(Reason.MALFORMED,
                        "frame truncated in the " + field + " (" + (b.length - pos) + " of " + n + " bytes)");
            }
        }
    }
}
