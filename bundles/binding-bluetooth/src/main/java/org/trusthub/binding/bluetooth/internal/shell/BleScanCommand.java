package org.trusthub.binding.bluetooth.internal.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.binding.bluetooth.internal.BluetoothBridge.Discovered;

@Service
@Command(scope = "trusthub", name = "ble-scan", description = "Scans for advertising Bluetooth LE devices; "
        + "private addresses that resolve with a bonded IRK show their thing")
public class BleScanCommand extends BleAction {

    @Override
    protected void run() {
        ShellTable table = new ShellTable().forceAscii();
        table.column("Address");
        table.column("Kind");
        table.column("Name");
        table.column("RSSI");
        table.column("Thing");
        for (Discovered d : bridge.scan()) {
            table.addRow().addContent(d.advertisement().address().toString(),
                    d.advertisement().address().isResolvablePrivate() ? "private" : "identity",
                    d.advertisement().name(), d.advertisement().rssi(),
                    d.thing().map(t -> t.value()).orElse("-"));
        }
        out().println(adapterLabel() + "Bluetooth LE scan:");
        table.print(out());
    }
}
