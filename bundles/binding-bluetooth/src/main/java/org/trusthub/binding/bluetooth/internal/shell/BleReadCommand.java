package org.trusthub.binding.bluetooth.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.bluetooth.internal.BluetoothProperties;

@Service
@Command(scope = "trusthub", name = "ble-read", description = "Reads a bonded thing's temperature over its "
        + "encrypted link into the thing model")
public class BleReadCommand extends BleAction {

    @Reference
    BluetoothProperties properties;

    @Argument(index = 0, name = "thing", required = true, description = "Thing id (ble-...)")
    String thing;

    @Override
    protected void run() {
        out().println(adapterLabel() + thing + " temperature " + properties.read(ThingId.of(thing)) + " C");
    }
}
