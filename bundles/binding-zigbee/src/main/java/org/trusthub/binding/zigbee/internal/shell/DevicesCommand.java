package org.trusthub.binding.zigbee.internal.shell;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.binding.zigbee.spi.ZigbeeDevice;

@Service
@Command(scope = "zigbee", name = "devices", description = "Lists the ZigBee things, their lifecycle state and whether"
        + " they joined (their values are in the thing model)")
public class DevicesCommand extends ZigbeeAction {

    @Override
    void run(PrintStream out) {
        out.println(banner());
        out.printf("join policy %s, network key sequence %d%n", bridge.joinPolicy(), bridge.networkKeySequence());
        List<ZigbeeDevice> devices = bridge.devices();
        if (devices.isEmpty()) {
            out.println("No ZigBee things commissioned.");
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        for (String c : new String[] {"Thing", "State", "Joined", "NWK", "Install code"}) {
            table.column(c);
        }
        for (ZigbeeDevice d : devices) {
            table.addRow().addContent(d.thing().value(), d.state().name(), d.joined() ? "yes" : "no",
                    d.networkAddress() < 0 ? "-" : String.format("0x%04x", d.networkAddress()),
                    d.installCode() ? "yes (in keystore)" : "no");
        }
        table.print(out);
    }
}
