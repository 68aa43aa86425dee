package org.trusthub.binding.zigbee.simulator.internal.shell;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;

/**
 * For the demo and for trying a join policy out: powers on a SIMULATED device that holds the install code printed on
 * it, and lets it try to join, as an installer would with a real one after {@code zigbee:permit-join}. Only here, in
 * the simulator bundle: the bridge's own commands know nothing of simulated devices.
 */
@Service
@Command(scope = "zigbee", name = "simulated-device", description = "Powers on a SIMULATED ZigBee device (simulated"
        + " coordinator only) and lets it join; commission it first with zigbee:permit-join --ieee --install-code")
public class SimulatedDeviceCommand implements Action {

    /** What a simulated device can be, by the clusters on its endpoint. */
    enum Kind {
        DIMMABLE_LIGHT(Set.of(0x0006, 0x0008)), ON_OFF_LIGHT(Set.of(0x0006)), TEMPERATURE_SENSOR(Set.of(0x0402)),
        MULTI(Set.of(0x0006, 0x0008, 0x0402));

        final Set<Integer> clusters;

        Kind(Set<Integer> clusters) {
            this.clusters = clusters;
        }

        static Kind parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown kind '" + text + "': dimmable-light, on-off-light,"
                        + " temperature-sensor or multi");
            }
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    @Reference(optional = true)
    SimulatedZigbeeNetwork simulation;

    @Argument(index = 0, name = "ieee", description = "the device's IEEE address, 16 hex digits", required = true)
    String ieee;

    @Option(name = "--install-code", description = "the code printed on the device, with its CRC, in hex (without it"
            + " the device only knows the default trust-center link key)")
    String installCode;

    @Option(name = "--kind", description = "dimmable-light (default), on-off-light, temperature-sensor or multi")
    String kind = "dimmable-light";

    @Override
    public Object execute() {
        run(System.out);
        return null;
    }

    void run(PrintStream out) {
        if (simulation == null) {
            throw new IllegalStateException("no SIMULATED ZigBee network runs: the bridge is on a dongle (real devices"
                    + " join by themselves), or it is not running (zigbee:devices says why)");
        }
        long address = ieee(ieee);
        Kind k = Kind.parse(kind);
        out.println("ZigBee bridge: SIMULATED coordinator and radio (trusthub.simulated=true)");
        simulation.addDevice(address, installCode, k.clusters);
        String id = String.format("zigbee:%016x", address);
        out.println("SIMULATED " + k.label() + " " + id + " powered on");
        if (simulation.join(address)) {
            out.println("joined: " + id + " holds the network key and the hub discovered its clusters");
        } else {
            out.println("not admitted: is joining permitted (zigbee:permit-join), and was " + id + " commissioned with"
                    + " the install code it holds? (zigbee:devices, and the log, say more)");
        }
    }

    static long ieee(String text) {
        String hex = text.replaceAll("[:\\-]", "");
        if (!hex.matches("[0-9a-fA-F]{16}")) {
            throw new IllegalArgumentException("IEEE address must be 16 hex digits (':' or '-' allowed)");
        }
        return Long.parseUnsignedLong(hex, 16);
    }
}
