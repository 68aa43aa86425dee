package org.trusthub.binding.bluetooth.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.binding.bluetooth.internal.BluetoothBridge.BondInfo;

@Service
@Command(scope = "trusthub", name = "ble-bonds", description = "Lists Bluetooth LE bonds kept in the keystore "
        + "(never key bytes)")
public class BleBondsCommand extends BleAction {

    @Override
    protected void run() {
        List<BondInfo> bonds = bridge.bonds();
        out().println(adapterLabel() + bonds.size() + " Bluetooth LE bond(s)");
        if (bonds.isEmpty()) {
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Thing");
        table.column("Identity address");
        table.column("LTK");
        table.column("IRK");
        table.column("Connected");
        for (BondInfo b : bonds) {
            table.addRow().addContent(b.thing().value(), b.identityAddress(), "in keystore",
                    b.hasIrk() ? "in keystore" : "none", b.connected() ? "yes" : "no");
        }
        table.print(out());
    }
}
