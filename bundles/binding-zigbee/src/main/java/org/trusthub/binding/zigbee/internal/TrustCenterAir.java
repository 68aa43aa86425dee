package org.trusthub.binding.zigbee.internal;

import java.util.Optional;
import java.util.function.LongPredicate;

import org.trusthub.binding.zigbee.spi.HubAir;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;

/** The trust center as a coordinator radio without security firmware sees it: frames in, frames out, joins. */
final class TrustCenterAir implements HubAir {

    private final TrustCenter trustCenter;
    private volatile LongPredicate discovered = ieee -> false;

    TrustCenterAir(TrustCenter trustCenter) {
        this.trustCenter = trustCenter;
    }

    /** How the stack's discovery of a device is known (once the network over this air exists). */
    void discoveredBy(LongPredicate discovered) {
        this.discovered = discovered;
    }

    @Override
    public void attach(ToDevices air, long coordinatorIeee) {
        trustCenter.attachRadio(air::sendNow, coordinatorIeee);
    }

    @Override
    public byte[] secureToDevice(NwkHeader header, byte[] apsFrame) throws ZigbeeSecurityException {
        return trustCenter.secureToDevice(header, apsFrame);
    }

    @Override
    public Optional<Accepted> openFromDevice(byte[] frame) {
        FrameGate.Inbound in = trustCenter.gate().openFromDevice(frame);
        return in == null ? Optional.empty()
                : Optional.of(new Accepted(in.nwk(), Optional.ofNullable(in.aps()), in.payload()));
    }

    @Override
    public Optional<String> associate(long ieeeAddress, int nwkAddress) {
        return Optional.ofNullable(trustCenter.join(ieeeAddress, nwkAddress));
    }

    @Override
    public boolean discovered(long ieeeAddress) {
        return discovered.test(ieeeAddress);
    }
}
