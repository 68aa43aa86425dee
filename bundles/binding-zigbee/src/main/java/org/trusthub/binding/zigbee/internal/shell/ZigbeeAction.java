package org.trusthub.binding.zigbee.internal.shell;

import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;

/**
 * Base of the zigbee:* commands: every output starts by saying whether the bridge is SIMULATED, and no command ever
 * prints key bytes or install codes. Bad input is refused with the reason, changing nothing.
 */
abstract class ZigbeeAction implements Action {

    @Reference(optional = true)
    ZigbeeBridge bridge;

    @Override
    public Object execute() throws Exception {
        if (bridge == null) {
            throw new IllegalStateException("the ZigBee bridge is not running: it is starting or restarting after a"
                    + " configuration change, it waits for a coordinator radio (no dongle configured and bundle"
                    + " org.trusthub.binding.zigbee.simulator not started), or it could not start (the log says why: a"
                    + " dongle that is not there, or feature trusthub-zigbee-dongle not installed)");
        }
        run(System.out);
        return null;
    }

    abstract void run(PrintStream out) throws Exception;

    String banner() {
        return bridge.isSimulated() ? "ZigBee bridge: SIMULATED coordinator and radio (trusthub.simulated=true)"
                : "ZigBee bridge";
    }

    static long ieee(String text) {
        String hex = text.replaceAll("[:\\-]", "");
        if (!hex.matches("[0-9a-fA-F]{16}")) {
            throw new IllegalArgumentException("IEEE address must be 16 hex digits (':' or '-' allowed)");
        }
        return Long.parseUnsignedLong(hex, 16);
    }
}
