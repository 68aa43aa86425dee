package org.trusthub.binding.bluetooth.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.thing.ThingId;

@Service
@Command(scope = "trusthub", name = "ble-remove", description = "Removes a Bluetooth LE bond and decommissions the "
        + "thing: it can no longer read or send")
public class BleRemoveCommand extends BleAction {

    @Argument(index = 0, name = "thing", required = true, description = "Thing id (ble-...)")
    String thing;

    @Override
    protected void run() {
        bridge.remove(ThingId.of(thing));
        out().println(adapterLabel() + "Bond of " + thing + " removed; thing decommissioned");
    }
}
