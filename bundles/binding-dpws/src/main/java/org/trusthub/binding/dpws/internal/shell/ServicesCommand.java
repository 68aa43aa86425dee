package org.trusthub.binding.dpws.internal.shell;

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
            DiscoveredDevice.HostedService described;
            try {
                described = stack.client().serviceOperations(address, s.address());
            } catch (java.io.IOException e) {
                out().println("    operations unknown: " + orDash(e.getMessage()));
                continue;
            }
            if (described.unknown() != null) {
                out().println("    operations unknown: " + orDash(described.unknown()));
            } else if (described.operations().isEmpty()) {
                out().println("    no operations (its WSDL declares none)");
            }
            for (Wsdl.Operation op : described.operations()) {
                out().println("    " + (op.isEvent() ? "event     " : "operation ") + orDash(op.name()) + "  "
                        + orDash(op.isEvent() ? op.outputAction() : op.inputAction()));
            }
        }
    }
}
