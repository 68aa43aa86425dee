package org.trusthub.security.link.ieee802154;

import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.link.ccm.MicFailureException;
import org.trusthub.security.link.ieee802154.FrameSecurityException.Reason;

/**
 * The CCM* transformation of IEEE 802.15.4-2006 7.5.8.2 with a key the caller holds: no key lookup, no counters, no
 * replay check (that is {@link Ieee802154Security}'s job). Used by the hub's provider and by simulated devices.
 */
public final class FrameCodec {

    private FrameCodec() {
    }

    /** The CCM* nonce: sender's extended address (big-endian), frame counter (big-endian), security level. */
    public static byte[] nonce(long senderAddress, long frameCounter, SecurityLevel level) {
        byte[] n = new byte[CcmStar.NONCE_LENGTH];
        for (int i = 0; i < 8; i++) {
            n[i] = (byte) (senderAddress >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            n[8 + i] = (byte) (frameCounter >>> (24 - 8 * i));
        }
        n[12] = (byte) level.value();
        return n;
    }

    /**
     * Secures an unsecured frame.
     *
     * @param senderAddress the extended address of the device sending the frame (ours)
     * @throws IllegalArgumentException if the frame is already secured or the result would not fit a frame
     */
    public static MacFrame protect(MacFrame frame, AuxSecurityHeader aux, CcmStar key, long senderAddress) {
        if (frame.securityEnabled()) {
            throw new IllegalArgumentException("frame is already secured");
        }
        if (aux.level() == SecurityLevel.NONE) {
            throw new IllegalArgumentException("security level 0 protects nothing: send the frame unsecured");
        }
        // The header changes (security bit, version, auxiliary header), so build it first: it is authenticated.
        MacFrame shell = frame.secured(aux, frame.privatePayload(), new byte[aux.level().micLength()]);
        byte[] aData = concat(shell.header(), shell.openPayload());
        byte[] out = key.protect(nonce(senderAddress, aux.frameCounter(), aux.level()), aux.level().micLength(),
                aux.level().encrypted(), aData, frame.privatePayload());
        int payloadLength = out.length - aux.level().micLength();
        return frame.secured(aux, java.util.Arrays.copyOf(out, payloadLength),
                java.util.Arrays.copyOfRange(out, payloadLength, out.length));
    }

    /**
     * Opens a secured frame.
     *
     * @return the frame as the upper layer sees it: unsecured, payload in the clear
     * @throws FrameSecurityException {@link Reason#MIC_FAILURE} if the MIC does not match
     */
    public static MacFrame unprotect(MacFrame frame, CcmStar key, long senderAddress) throws FrameSecurityException {
        AuxSecurityHeader aux = frame.aux().orElseThrow(
                () -> new FrameSecurityException(Reason.SECURITY_LEVEL, "frame is not secured"));
        byte[] aData = concat(frame.header(), frame.openPayload());
        try {
            byte[] plain = key.unprotect(nonce(senderAddress, aux.frameCounter(), aux.level()),
                    aux.level().micLength(), aux.level().encrypted(), aData,
                    concat(frame.privatePayload(), frame.mic()));
            return frame.opened(plain);
        } catch (MicFailureException e) {
            throw new FrameSecurityException(Reason.MIC_FAILURE,
                    "MIC check failed for a frame from " + String.format("%016x", senderAddress));
        }
    }

    static byte[] concat(byte[] x, byte[] y) {
        byte[] r = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }
}
