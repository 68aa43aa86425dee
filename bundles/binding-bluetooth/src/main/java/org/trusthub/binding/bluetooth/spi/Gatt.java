package org.trusthub.binding.bluetooth.spi;

/**
 * The attribute handles of the environmental sensing profile the bridge maps to the hub model (what the simulated
 * peripherals serve): temperature (org.bluetooth.characteristic.temperature, 0x2A6E, sint16 in 0.01 degrees C), its
 * client characteristic configuration, and a writable measurement interval (0x2A21, uint16 seconds).
 */
public final class Gatt {
    public static final int TEMPERATURE = 0x0003;
    public static final int TEMPERATURE_CCCD = 0x0004;
    public static final int INTERVAL = 0x0006;

    private Gatt() {
    }

    public static double temperature(byte[] value) {
        if (value.length != 2) {
            throw AttPdu.malformed("a temperature value is 2 octets, got " + value.length);
        }
        return (short) ((value[0] & 0xFF) | (value[1] << 8)) / 100.0;
    }

    public static byte[] temperature(double celsius) {
        int v = (int) Math.round(celsius * 100);
        return new byte[] { (byte) v, (byte) (v >>> 8) };
    }

    public static byte[] uint16(int v) {
        return new byte[] { (byte) v, (byte) (v >>> 8) };
    }
}
