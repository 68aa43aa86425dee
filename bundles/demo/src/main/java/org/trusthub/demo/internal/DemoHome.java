package org.trusthub.demo.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.bluetooth.simulator.SimulatedAdapter;
import org.trusthub.binding.bluetooth.simulator.SimulatedPeripheral;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;

/**
 * A SIMULATED home, for a first start ({@code ./hub demo}, feature {@code trusthub-demo}): a CoAP thermostat that
 * talks to the hub over loopback DTLS like a device would, a Bluetooth LE thermometer on the SIMULATED adapter, and a
 * ZigBee lamp and temperature sensor on the SIMULATED coordinator (joined with install codes), each enrolled through the hub's normal lifecycle (fresh root secrets every start, never printed; keys derived as
 * for real things), taken to OPERATIONAL, with a measurement that changes every few seconds in the thing model.
 * Every demo thing belongs to {@value DemoThings#OWNER}. Stopping the demo (uninstalling the feature) decommissions
 * them all and removes the simulated adapter it configured.
 */
@Component(service = {}, immediate = true)
public final class DemoHome {

    private static final Logger LOG = LoggerFactory.getLogger(DemoHome.class);
    private static final String COAP_PID = "org.trusthub.binding.coap";
    private static final long TICK_SECONDS = 3;

    private final ThingRegistry registry;
    private final ThingKeyStore keys;
    private final ThingModelRegistry models;
    private final ConfigurationAdmin configAdmin;
    private final DemoConsole console;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService executor;
    private final Set<String> ready = new TreeSet<>();
    private final Readings readings = new Readings();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SimulatedAdapter bleAdapter;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SimulatedZigbeeNetwork zigbeeNetwork;

    // Only the demo thread touches these.
    private SimulatedCoapThing coapThing;
    private boolean bleConfigured;
    private boolean blePaired;
    // The network the devices joined last; a restarted ZigBee binding brings a new one, empty.
    private SimulatedZigbeeNetwork joinedOn;
    // What each simulated device holds, as the real one would have it printed on it: only in memory.
    private final java.util.Map<Long, String> installCodes = new java.util.HashMap<>();
    private boolean announced;
    private long tick;

    @Activate
    public DemoHome(@Reference ThingRegistry registry, @Reference ThingKeyStore keys,
            @Reference ThingModelRegistry models, @Reference ConfigurationAdmin configAdmin,
            @Reference SessionFactory sessions) {
        this.registry = registry;
        this.keys = keys;
        this.models = models;
        this.configAdmin = configAdmin;
        this.console = new DemoConsole(sessions);
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "trusthub demo");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        this.executor = e;
        LOG.info("trusthub demo: starting a SIMULATED home (things owned by {})", DemoThings.OWNER);
        executor.scheduleWithFixedDelay(this::step, 0, TICK_SECONDS, TimeUnit.SECONDS);
    }

    /** One round: commission what is not yet up, then move every measurement on. */
    private void step() {
        try {
            tick++;
            if (coapThing == null) {
                tryStep("CoAP thermostat", this::startCoap);
            }
            if (!blePaired) {
                tryStep("Bluetooth LE thermometer", this::startBle);
            }
            SimulatedZigbeeNetwork network = zigbeeNetwork;
            if (network != null && network != joinedOn) {
                startZigbee(network);
            }
            if (coapThing != null) {
                try {
                    coapThing.report(readings.coap(tick));
                } catch (Exception e) {
                    // The binding restarted (a changed setting, an update) and forgot the DTLS session: the thermostat
                    // connects and registers afresh at the next round, as a device would.
                    LOG.debug("trusthub demo: CoAP thermostat reconnects: {}", e.getMessage());
                    coapThing.close();
                    coapThing = null;
                }
            }
            if (blePaired) {
                tryStep("Bluetooth LE reading", this::bleReading);
            }
            if (joinedOn != null && joinedOn == network) {
                tryStep("ZigBee readings", () -> zigbeeReadings(network));
            }
            if (!announced && coapThing != null && blePaired && joinedOn != null) {
                announced = true;
                announce();
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("trusthub demo: {}", e.toString());
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private void tryStep(String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            // A binding still starting is the usual cause; the next round tries again.
            LOG.debug("trusthub demo: {} not ready yet: {}", what, e.getMessage());
        }
    }

    private void startCoap() throws Exception {
        DemoThings.commission(registry, DemoThings.COAP_THERMOSTAT, random);
        InetSocketAddress hub = hubDtlsAddress();
        byte[] psk = DemoThings.coapPsk(keys, DemoThings.COAP_THERMOSTAT);
        SimulatedCoapThing thing;
        try {
            thing = new SimulatedCoapThing(DemoThings.COAP_THERMOSTAT, DemoThings.COAP_THERMOSTAT.value(), psk, hub);
        } finally {
            java.util.Arrays.fill(psk, (byte) 0);
        }
        try {
            thing.register();
            thing.report(readings.coap(tick));
        } catch (Exception e) {
            thing.close();
            throw e;
        }
        coapThing = thing;
        ready.add(DemoThings.COAP_THERMOSTAT.value() + "  CoAP thermostat over DTLS (PSK) on loopback, OPERATIONAL");
        LOG.info("trusthub demo: SIMULATED CoAP thermostat {} is OPERATIONAL and reports over DTLS to {}",
                DemoThings.COAP_THERMOSTAT, hub);
    }

    private InetSocketAddress hubDtlsAddress() throws Exception {
        Dictionary<String, Object> p = configAdmin.getConfiguration(COAP_PID, "?").getProperties();
        String address = p == null || p.get("address") == null ? "127.0.0.1" : p.get("address").toString().trim();
        int port = p == null || p.get("securePort") == null ? 5684 : Integer.parseInt(p.get("securePort").toString()
                .trim());
        if (port <= 0) {
            throw new IllegalStateException("the CoAP binding's DTLS port is off or chosen at random (" + port + ")");
        }
        InetAddress a = InetAddress.getByName(address);
        return new InetSocketAddress(a.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : a, port);
    }

    private void startBle() throws Exception {
        if (!bleConfigured) {
            Configuration c = configAdmin.getConfiguration(DemoThings.BLE_ADAPTER_PID, "?");
            if (c.getProperties() == null) {
                Dictionary<String, Object> p = new Hashtable<>();
                p.put("peripherals", 1);
                p.put("legacyPeripherals", 0);
                p.put("dataDirectory", Path.of(System.getProperty("karaf.data", "data"), "trusthub", "demo",
                        "ble").toString());
                p.put(DemoThings.CREATED_BY, DemoThings.OWNER);
                c.update(p);
            }
            bleConfigured = true;
        }
        if (bleAdapter == null) {
            throw new IllegalStateException("the SIMULATED Bluetooth LE adapter is not up yet");
        }
        Optional<Thing> known = registry.find(DemoThings.BLE_THERMOMETER);
        if (known.isEmpty() || known.get().state() != LifecycleState.OPERATIONAL) {
            String address = DemoThings.scannedAddress(console.run("trusthub:ble-scan"), DemoThings.BLE_SENSOR);
            console.run("trusthub:ble-pair " + address + " " + DemoThings.OWNER);
        }
        blePaired = true;
        ready.add(DemoThings.BLE_THERMOMETER.value() + "  Bluetooth LE thermometer (SIMULATED adapter), paired with "
                + "LE Secure Connections, OPERATIONAL");
        LOG.info("trusthub demo: SIMULATED Bluetooth LE thermometer {} is paired and OPERATIONAL",
                DemoThings.BLE_THERMOMETER);
    }

    /**
     * Joins the lamp and the sensor as an installer would: commissions each with a fresh install code
     * (zigbee:permit-join), then powers the simulated device holding that code on (zigbee:simulated-device). On a new
     * simulated network (the binding restarted) the devices power on again with their codes and rejoin. The command
     * lines carry the install code, so a failure is logged without the command's words.
     */
    private void startZigbee(SimulatedZigbeeNetwork network) {
        try {
            join(network, DemoThings.ZIGBEE_LAMP_IEEE, "dimmable-light");
            join(network, DemoThings.ZIGBEE_SENSOR_IEEE, "temperature-sensor");
        } catch (Exception e) {
            LOG.debug("trusthub demo: the ZigBee devices have not joined yet ({})", e.getClass().getSimpleName());
            return;
        }
        if (joinedOn == null) {
            ready.add(DemoThings.ZIGBEE_LAMP.value() + "  ZigBee dimmable lamp (SIMULATED coordinator), joined "
                    + "with an install code, OPERATIONAL");
            ready.add(DemoThings.ZIGBEE_SENSOR.value() + "  ZigBee temperature sensor (SIMULATED coordinator), "
                    + "joined with an install code, OPERATIONAL");
            LOG.info("trusthub demo: SIMULATED ZigBee lamp {} and sensor {} joined and are OPERATIONAL",
                    DemoThings.ZIGBEE_LAMP, DemoThings.ZIGBEE_SENSOR);
        }
        joinedOn = network;
    }

    private void join(SimulatedZigbeeNetwork network, long ieeeAddress, String kind) throws Exception {
        org.trusthub.api.thing.ThingId thing = DemoThings.zigbeeThing(ieeeAddress);
        LifecycleState state = registry.find(thing).map(Thing::state).orElse(null);
        if (state == LifecycleState.OPERATIONAL && network.view(ieeeAddress).isPresent()) {
            return;
        }
        String ieee = DemoThings.ieee(ieeeAddress);
        String code = installCodes.get(ieeeAddress);
        if (state == LifecycleState.OPERATIONAL && code != null) {
            // a new simulated network (the binding restarted): the device rejoins with the code it holds
            console.run("zigbee:permit-join 60");
        } else {
            if (state != null && state != LifecycleState.DECOMMISSIONED) {
                // joined by an earlier demo, whose install code only that demo knew, or left half-joined: reset it
                // as an installer would, so it is commissioned afresh
                registry.transition(thing, Transition.DECOMMISSION);
            }
            code = InstallCodes.fresh(random);
            console.run("zigbee:permit-join --ieee " + ieee + " --install-code " + code + " --owner "
                    + DemoThings.OWNER + " 60");
            installCodes.put(ieeeAddress, code);
        }
        console.run("zigbee:simulated-device --install-code " + code + " --kind " + kind + " " + ieee);
        if (registry.get(thing).state() != LifecycleState.OPERATIONAL) {
            throw new IllegalStateException(thing + " did not become OPERATIONAL");
        }
    }

    /** The lamp switches (a command the hub sends through the model), the sensor reports a new temperature. */
    private void zigbeeReadings(SimulatedZigbeeNetwork network) {
        models.toggle(DemoThings.ZIGBEE_LAMP, "on");
        network.reportTemperature(DemoThings.ZIGBEE_SENSOR_IEEE, readings.zigbee(tick));
    }

    private void bleReading() {
        SimulatedAdapter adapter = bleAdapter;
        Optional<SimulatedPeripheral> sensor = adapter == null ? Optional.empty()
                : adapter.peripheral(DemoThings.BLE_SENSOR);
        if (sensor.isEmpty()) {
            return;
        }
        sensor.get().setTemperature(readings.ble(tick));
        // The hub reads it over the encrypted link, into the model.
        models.refresh(DemoThings.BLE_THERMOMETER);
    }

    private void announce() {
        StringBuilder b = new StringBuilder("\ntrusthub demo: a SIMULATED home is running (owner ")
                .append(DemoThings.OWNER).append("):\n");
        for (String line : ready) {
            b.append("  ").append(line).append('\n');
        }
        b.append("Values change every ").append(TICK_SECONDS).append(" s. Try: trusthub:thing-list, "
                + "trusthub:thing-properties, trusthub:security-status\n");
        // The operator's console is the hub's standard output.
        System.out.print(b);
        System.out.flush();
        LOG.info("trusthub demo: every SIMULATED thing is OPERATIONAL");
    }

    /**
     * Stopping the demo (its feature uninstalled, the hub shut down) decommissions its things; a service it uses going
     * away for a moment (a restarted model or registry) leaves them as they are for the next instance to pick up.
     */
    @Deactivate
    void deactivate(int reason) {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (coapThing != null) {
            coapThing.close();
        }
        if (!DemoThings.stopsTheDemo(reason)) {
            LOG.info("trusthub demo paused (a service it uses went away); its SIMULATED things are kept");
            return;
        }
        int removed = DemoThings.decommissionAll(registry);
        try {
            Configuration c = configAdmin.getConfiguration(DemoThings.BLE_ADAPTER_PID, "?");
            Dictionary<String, Object> p = c.getProperties();
            if (p != null && DemoThings.OWNER.equals(p.get(DemoThings.CREATED_BY))) {
                c.delete();
            }
        } catch (java.io.IOException | IllegalStateException e) {
            LOG.warn("trusthub demo: the SIMULATED Bluetooth LE adapter's configuration was not removed: {}",
                    e.toString());
        }
        LOG.info("trusthub demo stopped: {} SIMULATED thing(s) decommissioned", removed);
    }
}
