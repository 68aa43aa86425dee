package org.trusthub.binding.bluetooth.internal.shell;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.console.Waiting;
import org.trusthub.binding.bluetooth.internal.BluetoothBridge.Discovered;

@Service
@Command(scope = "trusthub", name = "ble-scan", description = "Scans for advertising Bluetooth LE devices; "
        + "private addresses that resolve with a bonded IRK show their thing")
public class BleScanCommand extends BleAction {

    /** How often the scan says it is still scanning; tests shorten it. */
    Duration every = Waiting.EVERY;

    @Override
    protected void run() throws Exception {
        Optional<List<Discovered>> found = Waiting.<List<Discovered>>on(out(),
                        adapterLabel() + "Scanning for Bluetooth LE devices")
                .every(every).progress(elapsed -> "scanning… " + elapsed.toSeconds() + " s")
                .onCancel(nothing -> { }, "scan stopped, nothing was changed")
                .run(bridge::scan);
        if (found.isEmpty()) {
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Address");
        table.column("Kind");
        table.column("Name");
        table.column("RSSI");
        table.column("Thing");
        for (Discovered d : found.get()) {
            table.addRow().addContent(d.advertisement().address().toString(),
                    d.advertisement().address().isResolvablePrivate() ? "private" : "identity",
                    d.advertisement().name(), d.advertisement().rssi(),
                    d.thing().map(t -> t.value()).orElse("-"));
        }
        out().println(adapterLabel() + "Bluetooth LE scan: " + found.get().size() + " found");
        table.print(out());
    }
}
