package org.trusthub.binding.bluetooth.internal;

import java.util.Arrays;

import org.trusthub.security.link.ble.BleAddress;

/** What pairing leaves behind: the LTK, the peer's IRK and identity address. Wipe it after storing. */
public final class PairingResult {
    final byte[] ltk;
    final byte[] irk;
    final BleAddress identity;
    final boolean secureConnections;

    public PairingResult(byte[] ltk, byte[] irk, BleAddress identity, boolean secureConnections) {
        this.ltk = ltk;
        this.irk = irk;
        this.identity = identity;
        this.secureConnections = secureConnections;
    }

    public void wipe() {
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
