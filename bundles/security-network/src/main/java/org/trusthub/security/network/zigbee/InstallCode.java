package org.trusthub.security.network.zigbee;

import java.util.Arrays;
import java.util.HexFormat;

import javax.security.auth.Destroyable;

/**
 * A ZigBee install code: 6, 8, 12 or 16 bytes followed by their CRC-16/X-25 (least significant byte first), as
 * printed on a device. Its link key is the AES-MMO hash of code and CRC. {@link #toString()} never shows the code.
 */
public final class InstallCode implements Destroyable {

    private final byte[] codeWithCrc;
    private boolean destroyed;

    private InstallCode(byte[] codeWithCrc) {
        this.codeWithCrc = codeWithCrc;
    }

    /**
     * Parses an install code as hex text; spaces, '-' and ':' between digits are ignored.
     *
     * @throws IllegalArgumentException if it is not hex, has the wrong length or its CRC does not match (the message
     *         never repeats the code)
     */
    public static InstallCode parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("install code is missing");
        }
        String hex = text.replaceAll("[\\s:-]", "");
        if (!hex.matches("[0-9a-fA-F]*") || hex.length() % 2 != 0) {
            throw new IllegalArgumentException("install code must be hexadecimal digits (spaces, '-', ':' allowed)");
        }
        return of(HexFormat.of().parseHex(hex));
    }

    /**
     * An install code from its bytes, CRC included.
     *
     * @throws IllegalArgumentException for a wrong length or CRC
     */
    public static InstallCode of(byte[] codeWithCrc) {
        int n = codeWithCrc.length - 2;
        if (n != 6 && n != 8 && n != 12 && n != 16) {
            throw new IllegalArgumentException("install code must be 6, 8, 12 or 16 bytes plus a 2-byte CRC, got "
                    + codeWithCrc.length + " bytes");
        }
        int crc = crc16x25(codeWithCrc, n);
        int given = (codeWithCrc[n] & 0xFF) | (codeWithCrc[n + 1] & 0xFF) << 8;
        if (crc != given) {
            throw new IllegalArgumentException("install code CRC does not match: mistyped code?");
        }
        return new InstallCode(codeWithCrc.clone());
    }

    /** The link key the code stands for: AES-MMO of the code and its CRC. */
    public byte[] linkKey() {
        if (destroyed) {
            throw new IllegalStateException("install code has been destroyed");
        }
        return MmoHash.hash(codeWithCrc);
    }

    /** Length of the code without its CRC. */
    public int length() {
        return codeWithCrc.length - 2;
    }

    /** CRC-16/X-25 (reflected 0x1021, init and final XOR 0xFFFF) over the first {@code n} bytes. */
    public static int crc16x25(byte[] data, int n) {
        int crc = 0xFFFF;
        for (int i = 0; i < n; i++) {
            crc ^= data[i] & 0xFF;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 1) != 0 ? crc >>> 1 ^ 0x8408 : crc >>> 1;
            }
        }
        return ~crc & 0xFFFF;
    }

    @Override
    public void destroy() {
        Arrays.fill(codeWithCrc, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "InstallCode[" + length() + " bytes, redacted]";
    }
}
