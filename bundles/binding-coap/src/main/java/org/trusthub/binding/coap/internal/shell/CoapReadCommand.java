package org.trusthub.binding.coap.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.coap.internal.CoapBindingStatus;

@Service
@Command(scope = "trusthub", name = "coap-read",
        description = "Reads (or observes) a resource of a registered CoAP thing, with the security it registered with")
public class CoapReadCommand extends CoapAction {

    @Reference
    CoapBindingStatus coap;

    @Argument(index = 0, name = "thing", required = true, description = "The thing id")
    String thing;

    @Argument(index = 1, name = "path", required = true, description = "Resource path on the thing, such as /temp")
    String path;

    @Option(name = "--observe", aliases = "-o", description = "Keep observing; values go to coap-resources")
    boolean observe;

    @Override
    protected void run() {
        ThingId id = thing(thing);
        if (observe) {
            coap.observe(id, path);
            out().println("Observing " + path + " of " + id + ".");
        } else {
            out().println(coap.read(id, path));
        }
    }
}
