package org.trusthub.offload.internal.shell;

import java.util.Map;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.trusthub.api.offload.OffloadStatistics;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.internal.hub.HubDetails;

/** What the offload services handed out and refused since they started. */
@Service
@Command(scope = "trusthub", name = "offload-stats", description = "Counts of what the offload services issued and "
        + "refused (by reason) since they started")
public class OffloadStatsCommand implements Action {

    @Reference
    OffloadStatistics stats;

    @Reference
    BundleContext context;

    @Override
    public Object execute() {
        System.out.println("Issued:");
        Map<String, Long> issued = stats.issued();
        if (issued.isEmpty()) {
            System.out.println("  nothing");
        }
        issued.forEach((k, v) -> System.out.printf("  %-16s %d%n", k, v));
        System.out.println("Refused:");
        for (Map.Entry<Refusal, Long> e : stats.refusals().entrySet()) {
            System.out.printf("  %-16s %d%n", e.getKey().name(), e.getValue());
        }
        if (stats instanceof HubDetails d) {
            System.out.println("Refused by the security policy (POLICY, see trusthub:policy-list):");
            Map<String, Long> denied = d.notGranted();
            if (denied.isEmpty()) {
                System.out.println("  nothing");
            }
            denied.forEach((k, v) -> System.out.printf("  %-16s %d%n", k, v));
        }
        if (stats instanceof HubDetails d && !d.housekeeping().isEmpty()) {
            System.out.println("State kept or purged by the hub:");
            d.housekeeping().forEach((k, v) -> System.out.printf("  %-30s %d%n", k, v));
        }
        System.out.println("WS-Trust token service on hosted DPWS devices (offload-sts): " + stsDevices());
        return null;
    }

    // By name and property: the DPWS classes are optional (trusthub-offload-dpws), this command must load without.
    private String stsDevices() {
        ServiceReference<?>[] refs;
        try {
            refs = context == null ? null : context.getServiceReferences(
                    "org.trusthub.binding.dpws.spi.HostedService",
                    "(component.name=org.trusthub.offload.internal.dpws.StsService)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null || refs.length == 0) {
            return "not available (feature trusthub-offload-dpws)";
        }
        Object devices = refs[0].getProperty("stsDevices");
        String list = devices instanceof String[] a ? String.join(",", a) : devices == null ? "" : devices.toString();
        return list.isBlank() ? "offered on no device (stsDevices in org.trusthub.offload.dpws)" : "offered on " + list;
    }
}
