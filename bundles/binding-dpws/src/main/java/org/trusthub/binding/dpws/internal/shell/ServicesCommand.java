package org.trusthub.binding.dpws.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.binding.dpws.internal.DiscoveredDevice;
import org.trusthub.binding.dpws.internal.DpwsStack;
import org.trusthub.binding.dpws.internal.Wsdl;

@Service
@Command(scope = "trusthub", name = "dpws-services", description = "Reads a discovered device's metadata and "
        + "lists its hosted services and their operations")
public class ServicesCommand extends DpwsAction {

    @Argument(index = 0, name = "endpoint", required = true, description = "The device's endpoint address "
            + "(urn:uuid:...) or its dpws:<uuid> thing id")
    String endpoint;

    @Override
    protected void run(DpwsStack stack) throws Exception {
        String address = stack.client().devices().stream()
                .filter(d -> d.address().equals(endpoint) || d.thing().value().equals(endpoint))
                .map(DiscoveredDevice::address).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no discovered device " + endpoint));
        DiscoveredDevice d = stack.client().fetchMetadata(address);
        DiscoveredDevice.Metadata m = d.metadata();
        out().println(orDash(m.friendlyName()) + " (" + orDash(m.manufacturer()) + " " + orDash(m.modelName())
                + "), messages " + label(d.protection()));
        if (m.services().isEmpty()) {
            out().println("  no hosted services");
        }
        for (DiscoveredDevice.HostedService s : m.services()) {
            out().println("  service " + orDash(s.serviceId()) + " at " + orDash(s.address()));
            List<Wsdl.Operation> ops;
            try {
                ops = stack.client().serviceOperations(address, s.address());
            } catch (java.io.IOException e) {
                out().println("    operations unknown: " + orDash(e.getMessage()));
                continue;
            }
            for (Wsdl.Operation op : ops) {
                out().println("    " + (op.isEvent() ? "event     " : "operation ") + orDash(op.name()) + "  "
                        + orDash(op.isEvent() ? op.outputAction() : op.inputAction()));
            }
        }
    }
}
