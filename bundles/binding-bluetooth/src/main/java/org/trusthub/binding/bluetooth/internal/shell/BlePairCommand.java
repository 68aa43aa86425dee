package org.trusthub.binding.bluetooth.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "trusthub", name = "ble-pair", description = "Pairs with a Bluetooth LE device (LE Secure "
        + "Connections) and commissions it: bond in the keystore, thing operational")
public class BlePairCommand extends BleAction {

    @Argument(index = 0, name = "address", required = true, description = "Address the device advertises with now "
            + "(see trusthub:ble-scan)")
    String address;

    @Argument(index = 1, name = "owner", required = true, description = "Who the thing belongs to")
    String owner;

    @Override
    protected void run() {
        out().println(adapterLabel() + "Paired and commissioned " + bridge.pair(address, owner).value());
    }
}
