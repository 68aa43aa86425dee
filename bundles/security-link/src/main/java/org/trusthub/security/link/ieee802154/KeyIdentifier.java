package org.trusthub.security.link.ieee802154;

/**
 * Names a key the way an auxiliary security header does. In implicit mode the key is the pairwise key shared with
 * one device, named by that device's extended address.
 *
 * @param deviceAddress the peer's extended address in implicit mode, else 0
 */
public record KeyIdentifier(KeyIdMode mode, long keySource, int keyIndex, long deviceAddress) {

    public KeyIdentifier {
        if (mode == null) {
            throw new IllegalArgumentException("key identifier mode must be given");
        }
        if (mode == KeyIdMode.IMPLICIT ? keyIndex != 0 || keySource != 0 : keyIndex < 0 || keyIndex > 0xFF) {
            throw new IllegalArgumentException("key index must be 0 to 255, and absent in implicit mode");
        }
        if (mode != KeyIdMode.IMPLICIT && deviceAddress != 0) {
            throw new IllegalArgumentException("only implicit key identifiers name a device");
        }
        if (mode.sourceLength() == 0 && keySource != 0 || mode.sourceLength() == 4 && (keySource >>> 32) != 0) {
            throw new IllegalArgumentException("key source does not fit the key identifier mode " + mode);
        }
    }

    /** The pairwise key shared with the device of this extended address. */
    public static KeyIdentifier implicit(long deviceAddress) {
        return new KeyIdentifier(KeyIdMode.IMPLICIT, 0, 0, deviceAddress);
    }

    /** A key index under the PAN coordinator's default key source. */
    public static KeyIdentifier index(int keyIndex) {
        return new KeyIdentifier(KeyIdMode.INDEX, 0, keyIndex, 0);
    }

    public static KeyIdentifier source4(long keySource, int keyIndex) {
        return new KeyIdentifier(KeyIdMode.SOURCE4_INDEX, keySource, keyIndex, 0);
    }

    public static KeyIdentifier source8(long keySource, int keyIndex) {
        return new KeyIdentifier(KeyIdMode.SOURCE8_INDEX, keySource, keyIndex, 0);
    }

    /** The identifier a received frame's auxiliary header names, given the sender's extended address. */
    public static KeyIdentifier of(AuxSecurityHeader aux, long senderAddress) {
        return aux.keyIdMode() == KeyIdMode.IMPLICIT ? implicit(senderAddress)
                : new KeyIdentifier(aux.keyIdMode(), aux.keySource(), aux.keyIndex(), 0);
    }

    @Override
    public String toString() {
        return switch (mode) {
            case IMPLICIT -> "implicit(" + String.format("%016x", deviceAddress) + ")";
            case INDEX -> "index(" + keyIndex + ")";
            default -> "source(" + Long.toHexString(keySource) + ")/index(" + keyIndex + ")";
        };
    }
}
