package org.trusthub.binding.bluetooth.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations;

@Service
@Command(scope = "trusthub", name = "ble-pairing-confirm", description = "Confirms a Bluetooth LE numeric "
        + "comparison by typing the six digits the device shows; another number refuses the pairing")
public class BlePairingConfirmCommand extends BleAction {

    @Reference
    PairingConfirmations confirmations;

    @Argument(index = 0, name = "address", required = true, description = "Address being paired (see "
            + "trusthub:ble-pairing-pending)")
    String address;

    @Argument(index = 1, name = "number", required = true, description = "The six digits the device displays")
    String number;

    @Override
    protected void run() {
        if (confirmations.confirm(address, number) != PairingConfirmations.Outcome.CONFIRMED) {
            throw new IllegalStateException("the number differs from the hub's: the pairing with " + address.trim()
                    + " is refused (someone may be between the hub and the device; pair again)");
        }
        out().println("Numeric comparison with " + address.trim() + " confirmed: pairing continues");
    }
}
