package org.trusthub.binding.coap.internal.shell;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.coap.internal.CoapBindingStatus;
import org.trusthub.binding.coap.internal.Registration;

@Service
@Command(scope = "trusthub", name = "coap-resources",
        description = "Shows the CoAP resources other bundles contribute to the hub; with a thing id, that thing's "
                + "registered resources and the values the hub holds for it")
public class CoapResourcesCommand extends CoapAction {

    @Reference
    CoapBindingStatus coap;

    @Argument(index = 0, name = "thing", required = false, description = "The thing id (none: the hub's "
            + "contributed resources)")
    String thing;

    @Override
    protected void run() {
        if (thing == null) {
            contributions();
            return;
        }
        ThingId id = thing(thing);
        Optional<Registration> r = coap.registration(id);
        if (r.isEmpty()) {
            out().println(id + " is not registered in the resource directory.");
        } else {
            out().println(id + " registered via " + r.get().by().mechanism() + " from " + r.get().peer() + " (/rd/"
                    + r.get().id() + ", expires " + r.get().expires() + ")");
            r.get().links().forEach(link -> out().println("  " + link));
        }
        Map<String, RawValue> values = coap.values(id);
        if (values.isEmpty()) {
            out().println("No values.");
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Value");
        table.column("Content");
        table.column("Source");
        table.column("Changed");
        values.forEach((name, v) -> table.addRow().addContent(name, show(v.bytes()), source(v), v.changed()));
        table.print(out());
    }

    private void contributions() {
        if (coap.contributions().isEmpty()) {
            out().println("No contributed resources (the hub's own: /hub, /things, /rd, /rd-lookup).");
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Path");
        table.column("Resources");
        table.column("Bundle");
        table.column("Status");
        coap.contributions().forEach(c -> table.addRow().addContent("/" + c.prefix(), String.join(" ",
                c.resources()), c.owner(), c.status()));
        table.print(out());
        out().println("Served on the DTLS and OSCORE endpoints to operational things only.");
    }

    /** Where a value came from: the thing wrote it, the hub set it, or the hub read or observed it. */
    static String source(RawValue v) {
        if (v.origin() == Origin.WRITE) {
            return "hub";
        }
        if (v.origin() == Origin.READ) {
            return "read";
        }
        return v.held() ? "written" : "observed";
    }

    /** Printable text as is (shortened), anything else by its size. */
    static String show(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        boolean printable = text.codePoints().allMatch(c -> !Character.isISOControl(c) && c != 0xfffd);
        if (!printable) {
            return bytes.length + " bytes";
        }
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
