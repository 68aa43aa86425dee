package org.trusthub.binding.coap.internal.shell;

import java.time.Duration;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.console.Waiting;
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

    /** How often the read says it still waits; tests shorten it. */
    Duration every = Waiting.EVERY;

    @Override
    protected void run() throws Exception {
        ThingId id = thing(thing);
        if (observe) {
            coap.observe(id, path);
            out().println("Observing " + path + " of " + id + ".");
        } else {
            // Ctrl-C abandons the request; a read changes nothing on the thing, so there is nothing to undo.
            Optional<String> answer = Waiting.<String>on(out(), "Reading " + path + " of " + id)
                    .every(every).progress(elapsed -> "waiting for " + id + " to answer… " + elapsed.toSeconds()
                            + " s")
                    .onCancel(late -> { }, "read of " + path + " of " + id + " stopped")
                    .run(() -> coap.read(id, path));
            answer.ifPresent(out()::println);
        }
    }
}
