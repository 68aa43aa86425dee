package org.trusthub.binding.zigbee.spi;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.security.network.zigbee.ApsHeader;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;

/**
 * What the hub's trust center does for a coordinator radio that has no security firmware of its own: it secures the
 * frames the stack sends, opens and admits the frames that come from the air, and answers association requests. Keys
 * never cross this interface: only frames do.
 */
@ProviderType
public interface HubAir {

    /** Where the trust center's own frames to devices go (network key transport, switch key, leave), delivered now. */
    @FunctionalInterface
    interface ToDevices {
        void sendNow(int nwkAddress, byte[] frame);
    }

    /**
     * A frame the hub accepted from the air: its NWK header, and for application data its APS header and payload
     * (both absent for a NWK command).
     */
    record Accepted(NwkHeader nwk, Optional<ApsHeader> aps, byte[] payload) {
        public Accepted {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }
    }

    /**
     * The radio's way to devices, and its own IEEE address (the source of the trust center's frames); called once
     * when the radio is opened, before the network starts.
     */
    void attach(ToDevices air, long coordinatorIeee);

    /**
     * NWK-secures a frame the stack sends (taking the next outgoing frame counter).
     *
     * @throws ZigbeeSecurityException when the NWK provider cannot secure it
     * @throws IllegalStateException while the NWK security provider is absent
     */
    byte[] secureToDevice(NwkHeader header, byte[] apsFrame) throws ZigbeeSecurityException;

    /**
     * Opens a frame from the air: NWK and APS security, admission and the security policy. Empty when refused (every
     * refusal is counted in the hub's refusal count).
     */
    Optional<Accepted> openFromDevice(byte[] frame);

    /**
     * A device asks to join (association): the trust center checks its join policy, the permit-join window and the
     * commissioning, then sends the device the network key under its link key. Returns why it was refused, or empty
     * when the key was sent.
     */
    Optional<String> associate(long ieeeAddress, int nwkAddress);

    /** Whether the hub's stack has discovered the device's application endpoints (what an installer waits for). */
    boolean discovered(long ieeeAddress);
}
