package org.trusthub.binding.zigbee.internal.shell;

import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.thing.ThingId;

@Service
@Command(scope = "zigbee", name = "permit-join", description = "Permits joining for a while; with --ieee and"
        + " --install-code it first commissions that device (its link key goes to the keystore, the code is not kept)")
public class PermitJoinCommand extends ZigbeeAction {

    @Argument(index = 0, name = "seconds", description = "how long joining stays open (0 closes it, at most 254)",
            required = false)
    int seconds = 60;

    @Option(name = "--ieee", description = "IEEE address of a device to commission, 16 hex digits")
    String ieee;

    @Option(name = "--install-code", description = "the device's install code with its CRC, in hex")
    String installCode;

    @Option(name = "--owner", description = "who the device belongs to")
    String owner = "hub";

    @Override
    void run(PrintStream out) {
        out.println(banner());
        if (installCode != null && ieee == null) {
            throw new IllegalArgumentException("--install-code needs --ieee");
        }
        if (ieee != null) {
            ThingId thing = bridge.commission(ieee(ieee), installCode, owner);
            out.println("commissioned " + thing + (installCode != null ? " with its install code" : " without one"));
        }
        bridge.permitJoin(seconds);
        out.println(seconds == 0 ? "joining closed" : "joining permitted for " + seconds + " s, policy "
                + bridge.joinPolicy());
    }
}
