package org.trusthub.binding.bluetooth.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.thing.ThingId;

@Service
@Command(scope = "trusthub", name = "ble-read", description = "Reads a bonded thing's temperature over its "
        + "encrypted link")
public class BleReadCommand extends BleAction {

    @Argument(index = 0, name = "thing", required = true, description = "Thing id (ble-...)")
    String thing;

    @Override
    protected void run() {
        out().println(adapterLabel() + thing + " temperature " + bridge.readTemperature(ThingId.of(thing)) + " C");
    }
}
