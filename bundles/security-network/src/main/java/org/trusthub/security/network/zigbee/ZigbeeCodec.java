package org.trusthub.security.network.zigbee;

import java.util.Arrays;

import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.link.ccm.MicFailureException;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;

/**
 * CCM* protection of ZigBee NWK and APS frames (ZigBee specification 4.3 and 4.4) with a key the caller holds: no
 * key lookup, no counters, no replay check (the hub's {@link ZigbeeNwkSecurity} and {@link ZigbeeApsSecurity} add
 * those). The authenticated data is the layer's header and the auxiliary header with the security level put back to
 * 5; the nonce is the source address, frame counter and security control, each little-endian.
 */
public final class ZigbeeCodec {

    private ZigbeeCodec() {
    }

    /** The ZigBee CCM* nonce. */
    public static byte[] nonce(long source, long frameCounter, int securityControl) {
        byte[] n = new byte[CcmStar.NONCE_LENGTH];
        Le.put(n, 0, source, 8);
        Le.put(n, 8, frameCounter, 4);
        n[12] = (byte) securityControl;
        return n;
    }

    /**
     * Secures a NWK frame.
     *
     * @param header its security flag is set here
     * @param aux must carry the sender's address (extended nonce), as NWK security requires
     */
    public static byte[] protectNwk(NwkHeader header, ZigbeeAuxHeader aux, byte[] payload, CcmStar key) {
        if (aux.source() == null) {
            throw new IllegalArgumentException("NWK security needs the sender's address in the auxiliary header");
        }
        return protect(header.withSecurity(true).encode(), aux, aux.source(), payload, key);
    }

    /** Parses a NWK frame; the payload is left as received. */
    public static ZigbeeFrame<NwkHeader> parseNwk(byte[] frame) throws ZigbeeSecurityException {
        NwkHeader h = NwkHeader.parse(frame);
        int p = h.length();
        ZigbeeAuxHeader aux = null;
        if (h.security()) {
            aux = ZigbeeAuxHeader.parse(frame, p);
            if (aux.source() == null) {
                throw new ZigbeeSecurityException(Reason.BAD_AUX_HEADER, "NWK auxiliary header lacks the source");
            }
            if (aux.keyId() != KeyId.NETWORK_KEY) {
                throw new ZigbeeSecurityException(Reason.BAD_AUX_HEADER,
                        "NWK frame secured with " + aux.keyId() + " instead of the network key");
            }
            p += aux.length();
            if (frame.length - p < ZigbeeAuxHeader.MIC_LENGTH) {
                throw new ZigbeeSecurityException(Reason.MALFORMED, "NWK frame too short for its MIC");
            }
        }
        return new ZigbeeFrame<>(h, aux, Arrays.copyOfRange(frame, p, frame.length));
    }

    /** Opens a parsed, secured NWK frame. */
    public static ZigbeeFrame<NwkHeader> openNwk(ZigbeeFrame<NwkHeader> frame, CcmStar key)
            throws ZigbeeSecurityException {
        byte[] plain = open(frame.header().encode(), frame.aux(), frame.aux().source(), frame.payload(), key);
        return new ZigbeeFrame<>(frame.header(), frame.aux(), plain);
    }

    /**
     * Secures an APS frame.
     *
     * @param source the sender's extended address, for the nonce (also put into the header if {@code aux} says so)
     */
    public static byte[] protectAps(ApsHeader header, ZigbeeAuxHeader aux, long source, byte[] payload, CcmStar key) {
        if (aux.keyId() == KeyId.NETWORK_KEY) {
            throw new IllegalArgumentException("APS frames are secured with link keys, not the network key");
        }
        return protect(header.withSecurity(true).encode(), aux, source, payload, key);
    }

    /** Parses an APS frame; the payload is left as received. */
    public static ZigbeeFrame<ApsHeader> parseAps(byte[] frame) throws ZigbeeSecurityException {
        ApsHeader h = ApsHeader.parse(frame, 0);
        int p = h.length();
        ZigbeeAuxHeader aux = null;
        if (h.security()) {
            aux = ZigbeeAuxHeader.parse(frame, p);
            if (aux.keyId() == KeyId.NETWORK_KEY) {
                throw new ZigbeeSecurityException(Reason.BAD_AUX_HEADER, "APS frame names the network key");
            }
            p += aux.length();
            if (frame.length - p < ZigbeeAuxHeader.MIC_LENGTH) {
                throw new ZigbeeSecurityException(Reason.MALFORMED, "APS frame too short for its MIC");
            }
        }
        return new ZigbeeFrame<>(h, aux, Arrays.copyOfRange(frame, p, frame.length));
    }

    /**
     * Opens a parsed, secured APS frame.
     *
     * @param source the sender's extended address (from the auxiliary header if it carries one)
     */
    public static ZigbeeFrame<ApsHeader> openAps(ZigbeeFrame<ApsHeader> frame, long source, CcmStar key)
            throws ZigbeeSecurityException {
        long nonceSource = frame.aux().source() != null ? frame.aux().source() : source;
        byte[] plain = open(frame.header().encode(), frame.aux(), nonceSource, frame.payload(), key);
        return new ZigbeeFrame<>(frame.header(), frame.aux(), plain);
    }

    private static byte[] protect(byte[] header, ZigbeeAuxHeader aux, long source, byte[] payload, CcmStar key) {
        byte[] aData = Arrays.copyOf(header, header.length + aux.length());
        aux.writeTo(aData, header.length, ZigbeeAuxHeader.LEVEL);
        byte[] body = key.protect(nonce(source, aux.frameCounter(), aux.securityControl()),
                ZigbeeAuxHeader.MIC_LENGTH, true, aData, payload);
        // On the air the level field is zero (ZigBee specification 4.3.1.1, step 7).
        aux.writeTo(aData, header.length, 0);
        byte[] out = Arrays.copyOf(aData, aData.length + body.length);
        System.arraycopy(body, 0, out, aData.length, body.length);
        return out;
    }

    private static byte[] open(byte[] header, ZigbeeAuxHeader aux, long source, byte[] body, CcmStar key)
            throws ZigbeeSecurityException {
        byte[] aData = Arrays.copyOf(header, header.length + aux.length());
        aux.writeTo(aData, header.length, ZigbeeAuxHeader.LEVEL);
        try {
            return key.unprotect(nonce(source, aux.frameCounter(), aux.securityControl()),
                    ZigbeeAuxHeader.MIC_LENGTH, true, aData, body);
        } catch (MicFailureException e) {
            throw new ZigbeeSecurityException(Reason.MIC_FAILURE,
                    "MIC check failed for a frame from " + String.format("%016x", source));
        }
    }
}
