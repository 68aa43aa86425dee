package org.trusthub.binding.bluetooth.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations;

@Service
@Command(scope = "trusthub", name = "ble-pairing-pending", description = "Lists Bluetooth LE pairings waiting for "
        + "the operator to compare numbers (the number is on the device's display, never printed by the hub)")
public class BlePairingPendingCommand extends BleAction {

    @Reference
    PairingConfirmations confirmations;

    @Override
    protected void run() {
        List<PairingConfirmations.Pending> pending = confirmations.pending();
        out().println(pending.size() + " pairing(s) waiting for a numeric comparison");
        if (pending.isEmpty()) {
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Address");
        table.column("Seconds left");
        table.column("Answer with");
        for (PairingConfirmations.Pending p : pending) {
            table.addRow().addContent(p.address(), p.secondsLeft(), "trusthub:ble-pairing-confirm " + p.address()
                    + " NUMBER | trusthub:ble-pairing-reject " + p.address());
        }
        table.print(out());
    }
}
