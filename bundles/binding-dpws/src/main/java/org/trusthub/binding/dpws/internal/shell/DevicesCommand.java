package org.trusthub.binding.dpws.internal.shell;

import java.util.Collection;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.binding.dpws.internal.DiscoveredDevice;
import org.trusthub.binding.dpws.internal.DpwsStack;
import org.trusthub.binding.dpws.internal.DpwsVersion;

@Service
@Command(scope = "trusthub", name = "dpws-devices", description = "Lists the DPWS devices the hub has discovered, "
        + "and whether their messages are signed, encrypted or neither")
public class DevicesCommand extends DpwsAction {

    @Option(name = "--probe", aliases = "-p", description = "Probe (multicast) for this many seconds first")
    int probeSeconds;

    @Override
    protected void run(DpwsStack stack) throws Exception {
        if (probeSeconds > 0) {
            stack.client().probe(java.util.List.of(), null, java.time.Duration.ofSeconds(Math.min(probeSeconds, 30)));
        }
        Collection<DiscoveredDevice> devices = stack.client().devices();
        if (devices.isEmpty()) {
            out().println("No DPWS devices discovered.");
            return;
        }
        print(this, devices, binding.securityAvailable());
    }

    static void print(DpwsAction a, Collection<DiscoveredDevice> devices, boolean security) {
        ShellTable table = new ShellTable().forceAscii();
        table.column("Endpoint");
        table.column("Thing");
        table.column("DPWS");
        table.column("Name");
        table.column("XAddrs");
        table.column("Discovery");
        table.column("Messages");
        for (DiscoveredDevice d : devices) {
            table.addRow().addContent(orDash(d.address()), d.thing().value(),
                    d.version() == DpwsVersion.DPWS_2006 ? "2006" : "1.1",
                    d.metadata() == null ? "-" : orDash(d.metadata().friendlyName()),
                    orDash(String.join(" ", d.xaddrs())),
                    d.signer() == null ? "unsigned" : "signed by " + orDash(d.signer()),
                    label(d.protection()) + (security ? "" : " (no WS-Security provider)"));
        }
        table.print(a.out());
    }
}
