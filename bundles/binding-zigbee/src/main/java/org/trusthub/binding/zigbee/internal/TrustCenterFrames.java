package org.trusthub.binding.zigbee.internal;

import java.util.Arrays;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.network.zigbee.ApsCommand;
import org.trusthub.security.network.zigbee.ApsHeader;
import org.trusthub.security.network.zigbee.KeyId;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;

/**
 * The frames the trust center itself sends a device (network key transport, switch key, leave) and the NWK security
 * of the frames the stack sends through a radio without security firmware: framed from the coordinator's address with
 * the trust center's own sequence numbers, secured by the providers, and put on the radio. Key bytes are wiped after
 * each send.
 */
final class TrustCenterFrames {

    /** Leave request (NWK command 0x04, options: request). */
    private static final byte[] LEAVE = {0x04, 0x40};

    private final SecurityServices services;
    private final ThingId network;
    private volatile TrustCenter.Radio radio = (n, f) -> {
    };
    /** The coordinator's IEEE address, the source of the trust center's own frames. */
    private volatile long ownIeee;
    private int nwkSequence;
    private int apsCounter;

    TrustCenterFrames(SecurityServices services, ThingId network) {
        this.services = services;
        this.network = network;
    }

    void attach(TrustCenter.Radio radio, long coordinatorIeee) {
        this.radio = radio;
        this.ownIeee = coordinatorIeee;
    }

    /** The current network key to a device under its link key (APS-secured, NWK-unsecured: it has no key yet). */
    void transportNetworkKey(ThingId thing, long ieee, int nwk) throws ZigbeeSecurityException {
        DerivedKey key = services.requireNwk().currentKey(network);
        byte[] bytes = key.bytes();
        byte[] cmd = ApsCommand.transportNetworkKey(bytes, key.generation() & 0xFF, ieee, ownIeee);
        try {
            byte[] aps = services.requireAps().protect(thing, ApsHeader.command(nextApsCounter()), KeyId.KEY_TRANSPORT_KEY, cmd,
                    ownIeee, true);
            radio.sendNow(nwk, unsecuredNwk(nwk, aps));
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(cmd, (byte) 0);
            key.destroy();
        }
    }

    /** Tells a device to switch to the key with this sequence number. */
    void switchKey(ThingId thing, int nwk, int sequence) throws ZigbeeSecurityException {
        byte[] aps = services.requireAps().protect(thing, ApsHeader.command(nextApsCounter()), KeyId.DATA_KEY,
                ApsCommand.switchKey(sequence), ownIeee, true);
        radio.sendNow(nwk, unsecuredNwk(nwk, aps));
    }

    /** A NWK leave request, NWK-secured. */
    void leave(int nwk) throws ZigbeeSecurityException {
        radio.sendNow(nwk, secureToDevice(NwkHeader.simple(1, true, nwk, 0, 1, nextNwkSequence(), ownIeee), LEAVE));
    }

    byte[] secureToDevice(NwkHeader header, byte[] apsFrame) throws ZigbeeSecurityException {
        return services.requireNwk().protect(network, header, apsFrame, ownIeee);
    }

    // Key transport goes NWK-unsecured (the joining device has no network key yet); APS security protects the key.
    private byte[] unsecuredNwk(int dst, byte[] aps) {
        byte[] h = NwkHeader.simple(0, false, dst, 0, 1, nextNwkSequence(), ownIeee).encode();
        byte[] frame = Arrays.copyOf(h, h.length + aps.length);
        System.arraycopy(aps, 0, frame, h.length, aps.length);
        return frame;
    }


    private synchronized int nextNwkSequence() {
        return nwkSequence++ & 0xFF;
    }

    private synchronized int nextApsCounter() {
        return apsCounter++ & 0xFF;
    }
}
