package org.trusthub.binding.coap.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.binding.coap.internal.CoapBindingStatus;
import org.trusthub.binding.coap.internal.CoapBindingStatus.ThingView;

@Service
@Command(scope = "trusthub", name = "coap-things",
        description = "Lists the CoAP things: security mode, registration, DTLS sessions, OSCORE context")
public class CoapThingsCommand extends CoapAction {

    @Reference
    CoapBindingStatus coap;

    @Override
    protected void run() {
        out().println("CoAP endpoints: plain/OSCORE " + coap.plainAddress().map(Object::toString).orElse("off")
                + ", DTLS " + coap.secureAddress().map(Object::toString).orElse("off"));
        List<ThingView> views = coap.views();
        if (views.isEmpty()) {
            out().println("No CoAP things.");
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        for (String column : List.of("Thing", "Security", "Peer", "Links", "DTLS sessions", "OSCORE context",
                "Values", "Observing", "Registration expires")) {
            table.column(column);
        }
        for (ThingView v : views) {
            table.addRow().addContent(v.thing().value(), v.mode(), v.peer(), v.links(), v.dtlsSessions(),
                    v.oscoreContext() ? "yes" : "no", v.values(), v.observations(), v.expires());
        }
        table.print(out());
    }
}
