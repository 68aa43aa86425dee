package org.trusthub.binding.zigbee.internal.shell;

import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "zigbee", name = "network-key", description = "Shows the network key's sequence number (never the"
        + " key) or rotates it for every joined device")
public class NetworkKeyCommand extends ZigbeeAction {

    @Option(name = "--rotate", description = "start a new network key and switch every joined device to it")
    boolean rotate;

    @Override
    void run(PrintStream out) {
        out.println(banner());
        bridge.networkKeyRotationRefusal().ifPresent(why -> out.println("rotation unavailable: " + why));
        if (rotate) {
            out.println("rotated: network key sequence " + bridge.rotateNetworkKey());
        }
        out.printf("network %016x, key sequence %d (kept in the keystore under zigbee-network:%016x)%n",
                bridge.extendedPanId(), bridge.networkKeySequence(), bridge.extendedPanId());
    }
}
