package org.trusthub.binding.bluetooth.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations;

@Service
@Command(scope = "trusthub", name = "ble-pairing-reject", description = "Refuses a Bluetooth LE pairing waiting "
        + "for a numeric comparison")
public class BlePairingRejectCommand extends BleAction {

    @Reference
    PairingConfirmations confirmations;

    @Argument(index = 0, name = "address", required = true, description = "Address being paired (see "
            + "trusthub:ble-pairing-pending)")
    String address;

    @Override
    protected void run() {
        confirmations.reject(address);
        out().println("Pairing with " + address.trim() + " refused");
    }
}
