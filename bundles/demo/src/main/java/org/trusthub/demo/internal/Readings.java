package org.trusthub.demo.internal;

/**
 * The demo's measurements: each swings slowly up and down between two temperatures, one step per tick, so every
 * tick changes the value in the model (the steps are whole tenths of a degree, as the things report them).
 */
final class Readings {

    /** The CoAP thermostat's room temperature at a tick: 19.0 to 23.0 °C in steps of 0.2. */
    double coap(long tick) {
        return tenths(190 + 2 * triangle(tick, 20));
    }

    /** The Bluetooth LE thermometer's outdoor temperature at a tick: 4.0 to 11.5 °C in steps of 0.5. */
    double ble(long tick) {
        return tenths(40 + 5 * triangle(tick, 15));
    }

    /** The ZigBee sensor's (cellar) temperature at a tick: 12.0 to 15.0 °C in steps of 0.3. */
    double zigbee(long tick) {
        return tenths(120 + 3 * triangle(tick, 10));
    }

    /** 0, 1, ..., n, n-1, ..., 1, 0, 1, ...: each tick one step from the last. */
    private static long triangle(long tick, int n) {
        long k = Math.floorMod(tick, 2L * n);
        return k <= n ? k : 2L * n - k;
    }

    private static double tenths(long v) {
        return v / 10.0;
    }
}
