package org.trusthub.demo.internal;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * ZigBee install codes for the demo's simulated devices: 16 random bytes and their CRC-16/X-25, low byte first, as
 * printed on a real device (the ZigBee Base Device Behavior specification's format). A new one for every device at
 * every demo start; it goes to the hub's commissioning and the simulated device, never to the screen or the log.
 */
final class InstallCodes {

    private InstallCodes() {
    }

    /** A fresh install code as upper-case hex, CRC included. */
    static String fresh(SecureRandom random) {
        byte[] code = new byte[16];
        random.nextBytes(code);
        return withCrc(code);
    }

    /** The code followed by its CRC, as upper-case hex. */
    static String withCrc(byte[] code) {
        int crc = crc16x25(code);
        byte[] all = java.util.Arrays.copyOf(code, code.length + 2);
        all[code.length] = (byte) crc;
        all[code.length + 1] = (byte) (crc >>> 8);
        try {
            return HexFormat.of().withUpperCase().formatHex(all);
        } finally {
            java.util.Arrays.fill(all, (byte) 0);
        }
    }

    /** CRC-16/X-25: polynomial 0x1021 reflected, initial value and final XOR 0xFFFF. */
    static int crc16x25(byte[] data) {
        int crc = 0xFFFF;
        for (byte b : data) {
            crc ^= b & 0xFF;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
            }
        }
        return ~crc & 0xFFFF;
    }
}
