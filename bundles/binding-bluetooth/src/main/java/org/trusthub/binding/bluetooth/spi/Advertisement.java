package org.trusthub.binding.bluetooth.spi;

import org.trusthub.security.link.ble.BleAddress;

/** What a scan saw: the address on the air (often a resolvable private one), the advertised name, the RSSI. */
public record Advertisement(BleAddress address, String name, int rssi) {
}
