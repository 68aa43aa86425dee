package org.trusthub.binding.mqtt.internal.shell;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.mqtt.internal.MqttBinding;

/**
 * {@code trusthub:mqtt-status}: the broker, the connection, and for each thing served its properties, whether the
 * broker holds its credentials and whether the hub is subscribed to its values. Never key bytes.
 */
@Service
@Command(scope = "trusthub", name = "mqtt-status",
        description = "Shows the MQTT broker connection and the things the mqtt binding serves")
public class MqttStatusCommand implements Action {

    @Reference
    MqttBinding binding;

    /** Where output goes; tests set it, Karaf leaves it null and System.out is the session's console. */
    PrintStream out;

    @Override
    public Object execute() {
        PrintStream o = out != null ? out : System.out;
        MqttBinding.Status status = binding.status();
        o.println("mqtt binding: broker " + status.broker() + ", "
                + (status.connected() ? "connected" : "NOT connected: " + status.problem()));
        status.warnings().forEach(w -> o.println("WARNING: " + w));
        Map<ThingId, List<PropertyDescriptor>> things = binding.described();
        o.println(things.size() + " thing(s)");
        if (things.isEmpty()) {
            return null;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Thing");
        table.column("Properties");
        table.column("Broker credentials");
        table.column("Subscribed");
        things.forEach((thing, properties) -> table.addRow().addContent(thing.value(), properties.stream()
                .map(p -> p.id() + ":" + p.type().name().toLowerCase(Locale.ROOT) + (p.writable() ? ":rw" : ""))
                .collect(Collectors.joining(" ")), status.credentialed().contains(thing) ? "yes" : "no",
                status.subscribed().contains(thing) ? "yes" : "no"));
        table.print(o);
        return null;
    }
}
