package org.trusthub.binding.bluetooth.internal;

import java.util.Arrays;

import org.trusthub.security.link.ble.BleAddress;

/** What pairing leaves behind: the LTK, the peer's IRK and identity address. Wipe it after storing. */
final class PairingResult {
    final byte[] ltk;
    final byte[] irk;
    final BleAddress identity;
    final boolean secureConnections;

    PairingResult(byte[] ltk, byte[] irk, BleAddress identity, boolean secureConnections) {
        this.ltk = ltk;
        this.irk = irk;
        this.identity = identity;
        this.secureConnections = secureConnections;
    }

    void wipe() {
        Arrays.fill(ltk, (byte) 0);
        if (irk != null) {
            Arrays.fill(irk, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "PairingResult[" + identity + (secureConnections ? ", LE Secure Connections" : ", legacy")
                + ", keys redacted]";
    }
}
