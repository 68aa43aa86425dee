package org.trusthub.binding.zigbee.internal.shell;

import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.thing.ThingId;

@Service
@Command(scope = "zigbee", name = "decommission", description = "Asks a device to leave, deletes its link key,"
        + " revokes its keys and rotates the network key for everyone else")
public class DecommissionCommand extends ZigbeeAction {

    @Argument(index = 0, name = "thing", description = "the device's thing id (zigbee:<ieee>)", required = true)
    String thing;

    @Override
    void run(PrintStream out) {
        out.println(banner());
        ThingId id = ThingId.of(thing);
        bridge.decommission(id);
        out.println(id + " decommissioned; network key sequence now " + bridge.networkKeySequence());
        bridge.networkKeyRotationRefusal().ifPresent(why -> out.println("network key NOT rotated: " + why));
    }
}
