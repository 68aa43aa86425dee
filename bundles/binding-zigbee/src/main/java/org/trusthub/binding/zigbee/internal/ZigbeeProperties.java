package org.trusthub.binding.zigbee.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.network.zigbee.ZigbeeIds;

import com.zsmartsystems.zigbee.CommandResult;
import com.zsmartsystems.zigbee.ZigBeeCommand;
import com.zsmartsystems.zigbee.ZigBeeCommandListener;
import com.zsmartsystems.zigbee.ZigBeeEndpoint;
import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeNetworkNodeListener;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.ZclStatus;
import com.zsmartsystems.zigbee.zcl.clusters.ZclLevelControlCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclOnOffCluster;
import com.zsmartsystems.zigbee.zcl.clusters.general.ReadAttributesResponse;
import com.zsmartsystems.zigbee.zcl.clusters.general.ReportAttributesCommand;
import com.zsmartsystems.zigbee.zcl.clusters.levelcontrol.MoveToLevelWithOnOffCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.OffCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.OnCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.ToggleCommand;
import com.zsmartsystems.zigbee.zcl.field.AttributeReport;
import com.zsmartsystems.zigbee.zcl.field.ReadAttributeStatusRecord;

/**
 * The ZigBee devices' clusters in the hub's thing model: on/off (0x0006) as {@code on}, level control (0x0008) as
 * {@code level} in percent, temperature measurement (0x0402) as {@code temperature} in degrees Celsius. Values come
 * only from the devices' ZCL frames (attribute reports and read responses, through the secured air); writes are ZCL
 * commands (On, Off, Toggle, Move to Level with On/Off) that the device must confirm, then read back.
 */
final class ZigbeeProperties implements PropertyProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ZigbeeProperties.class);
    private static final long TIMEOUT_SECONDS = 10;
    /** ZCL "invalid measurement" of the temperature cluster's MeasuredValue (int16). */
    private static final int TEMPERATURE_INVALID = -0x8000;
    /** ZCL CurrentLevel runs 0 to 254; 255 is not a level. */
    private static final int LEVEL_MAX = 254;

    private final ZigbeeNetwork network;
    private final ZigBeeNetworkManager manager;
    private final TrustCenter trustCenter;
    private volatile PropertySink sink;
    /*
     * The model's own ZCL traffic goes one frame at a time: two frames secured on two threads can reach the air in
     * the other order, and a device then refuses the one with the older frame counter as a replay.
     */
    private final Object radio = new Object();
    private volatile ExecutorService reads;
    private final ZigBeeCommandListener commands = this::commandReceived;
    private final ZigBeeNetworkNodeListener nodes = new ZigBeeNetworkNodeListener() {
        @Override
        public void nodeAdded(ZigBeeNode node) {
            describe(node);
        }

        @Override
        public void nodeUpdated(ZigBeeNode node) {
            describe(node);
        }

        @Override
        public void nodeRemoved(ZigBeeNode node) {
            // the trust center has already forgotten the member: go by the address alone
            if (node != null && node.getIeeeAddress() != null) {
                unavailable(ZigbeeIds.device(Long.parseUnsignedLong(node.getIeeeAddress().toString(), 16)));
            }
        }
    };

    ZigbeeProperties(ZigbeeNetwork network) {
        this.network = network;
        this.manager = network.manager();
        this.trustCenter = network.trustCenter();
    }

    @Override
    public String binding() {
        return "zigbee";
    }

    @Override
    public boolean isSimulated() {
        return network.isSimulated();
    }

    @Override
    public void attach(PropertySink s) {
        reads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "trusthub-zigbee-model");
            t.setDaemon(true);
            return t;
        });
        sink = s;
        // A value the policy no longer accepts is not left standing as GOOD (the model's reads return it).
        trustCenter.gate().onBelowPolicy(this::unavailable);
        manager.addCommandListener(commands);
        manager.addNetworkNodeListener(nodes);
        manager.getNodes().forEach(this::describe);
    }

    @Override
    public void detach(PropertySink s) {
        manager.removeNetworkNodeListener(nodes);
        manager.removeCommandListener(commands);
        trustCenter.gate().onBelowPolicy(thing -> {
        });
        sink = null;
        ExecutorService r = reads;
        if (r != null) {
            r.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------ describing

    private void describe(ZigBeeNode node) {
        PropertySink s = sink;
        Optional<ThingId> thing = thingOf(node);
        if (s == null || thing.isEmpty()) {
            return;
        }
        List<PropertyDescriptor> properties = new ArrayList<>();
        if (cluster(node, Zcl.CLUSTER_ON_OFF) != null) {
            properties.add(PropertyDescriptor.onOff());
        }
        if (cluster(node, Zcl.CLUSTER_LEVEL) != null) {
            properties.add(PropertyDescriptor.level());
        }
        if (cluster(node, Zcl.CLUSTER_TEMPERATURE) != null) {
            properties.add(PropertyDescriptor.temperature());
        }
        if (properties.isEmpty()) {
            return;
        }
        try {
            s.describe(thing.get(), properties);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.info("ZigBee device {} not in the thing model: {}", thing.get(), e.getMessage());
            return;
        }
        // What the device holds now, read in the background.
        readAll(thing.get(), node);
    }

    private void unavailable(ThingId thing) {
        PropertySink s = sink;
        if (s == null) {
            return;
        }
        try {
            s.unavailable(thing);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // already removed (decommissioned) or never described
            LOG.debug("ZigBee device {} was not in the model: {}", thing, e.getMessage());
        }
    }

    /** The commissioned thing a node is, if any (the coordinator and unknown devices are none). */
    private Optional<ThingId> thingOf(ZigBeeNode node) {
        if (node == null || node.getIeeeAddress() == null) {
            return Optional.empty();
        }
        long ieee = Long.parseUnsignedLong(node.getIeeeAddress().toString(), 16);
        ThingId thing = ZigbeeIds.device(ieee);
        return trustCenter.member(thing).map(m -> thing);
    }

    private static ZclCluster cluster(ZigBeeNode node, int clusterId) {
        for (ZigBeeEndpoint e : node.getEndpoints()) {
            ZclCluster c = e.getInputCluster(clusterId);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    // --------------------------------------------------------------------------------------------- values

    private void commandReceived(ZigBeeCommand command) {
        if (command.getSourceAddress() == null || command.getClusterId() == null) {
            return;
        }
        ZigBeeNode node = manager.getNode(command.getSourceAddress().getAddress());
        Optional<ThingId> thing = thingOf(node);
        if (thing.isEmpty()) {
            return;
        }
        if (command instanceof ReportAttributesCommand report) {
            for (AttributeReport r : report.getReports()) {
                publish(thing.get(), command.getClusterId(), r.getAttributeIdentifier(), r.getAttributeValue(),
                        Origin.REPORT);
            }
        } else if (command instanceof ReadAttributesResponse response) {
            published(thing.get(), command.getClusterId(), response);
        }
    }

    private void published(ThingId thing, int cluster, ReadAttributesResponse response) {
        for (ReadAttributeStatusRecord r : response.getRecords()) {
            if (r.getStatus() == ZclStatus.SUCCESS) {
                publish(thing, cluster, r.getAttributeIdentifier(), r.getAttributeValue(), Origin.READ);
            }
        }
    }

    /** One attribute's value into the model, in the model's units; values the ZCL marks invalid are left out. */
    private void publish(ThingId thing, int cluster, int attribute, Object value, Origin origin) {
        PropertySink s = sink;
        if (s == null || attribute != 0 || value == null) {
            return;
        }
        String property;
        Object converted;
        switch (cluster) {
            case Zcl.CLUSTER_ON_OFF -> {
                property = PropertyDescriptor.ON;
                converted = value;
            }
            case Zcl.CLUSTER_LEVEL -> {
                int level = ((Number) value).intValue();
                if (level < 0 || level > LEVEL_MAX) {
                    return;
                }
                property = PropertyDescriptor.LEVEL;
                converted = percent(level);
            }
            case Zcl.CLUSTER_TEMPERATURE -> {
                int raw = ((Number) value).intValue();
                if (raw == TEMPERATURE_INVALID) {
                    return;
                }
                property = PropertyDescriptor.TEMPERATURE;
                converted = raw / 100.0;
            }
            default -> {
                return;
            }
        }
        try {
            s.update(thing, property, converted, origin);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.info("ZigBee value of {} {} not taken by the thing model: {}", thing, property, e.getMessage());
        }
    }

    /** ZCL level 0-254 to percent, and back; 40 % is level 102, which reads back as 40 %. */
    static int percent(int level) {
        return (int) Math.round(level * 100.0 / LEVEL_MAX);
    }

    static int zclLevel(int percent) {
        return (int) Math.round(percent * LEVEL_MAX / 100.0);
    }

    // --------------------------------------------------------------------------------------------- writes

    @Override
    public void write(ThingId thing, PropertyDescriptor property, Object value) {
        checkPolicy(thing, property.id());
        ZigBeeNode node = node(thing, property.id());
        switch (property.id()) {
            case PropertyDescriptor.ON -> {
                boolean on = (Boolean) value;
                ZclOnOffCluster c = (ZclOnOffCluster) required(node, thing, property.id(), Zcl.CLUSTER_ON_OFF);
                confirm(thing, property.id(), on ? "On" : "Off",
                        exchange(() -> c.sendCommand(on ? new OnCommand() : new OffCommand())));
                readBack(thing, c, Zcl.CLUSTER_ON_OFF, property.id(), value);
            }
            case PropertyDescriptor.LEVEL -> {
                int level = zclLevel((Integer) value);
                ZclLevelControlCluster c = (ZclLevelControlCluster) required(node, thing, property.id(),
                        Zcl.CLUSTER_LEVEL);
                confirm(thing, property.id(), "Move to Level (with On/Off) " + level,
                        exchange(() -> c.sendCommand(new MoveToLevelWithOnOffCommand(level, 0))));
                readBack(thing, c, Zcl.CLUSTER_LEVEL, property.id(), value);
                ZclCluster onOff = cluster(node, Zcl.CLUSTER_ON_OFF);
                if (onOff != null) {
                    // "with On/Off" switches the device on above 0 and off at 0
                    readBack(thing, onOff, Zcl.CLUSTER_ON_OFF, PropertyDescriptor.ON, null);
                }
            }
            default -> throw new PropertyWriteException(thing, property.id(), "ZigBee device " + thing
                    + " has no writable '" + property.id() + "'");
        }
    }

    @Override
    public boolean toggle(ThingId thing, PropertyDescriptor property) {
        if (!PropertyDescriptor.ON.equals(property.id())) {
            return false;
        }
        checkPolicy(thing, property.id());
        ZigBeeNode node = node(thing, property.id());
        ZclOnOffCluster c = (ZclOnOffCluster) required(node, thing, property.id(), Zcl.CLUSTER_ON_OFF);
        confirm(thing, property.id(), "Toggle", exchange(() -> c.sendCommand(new ToggleCommand())));
        readBack(thing, c, Zcl.CLUSTER_ON_OFF, property.id(), null);
        return true;
    }

    /**
     * Reads every value from the device; refused at once when the device's frames come under a protection below what
     * the security policy now requires of it (its answers would be refused, and the values it reported before came
     * under that weaker protection too).
     */
    @Override
    public void refresh(ThingId thing) {
        checkPolicy(thing, null);
        readAll(thing, node(thing, null));
    }

    private void checkPolicy(ThingId thing, String property) {
        Optional<String> refusal = trustCenter.gate().policyRefusal(thing);
        if (refusal.isPresent()) {
            throw new PropertyWriteException(thing, property, refusal.get());
        }
    }

    // In the background, one read after the other; each answer is published as it comes.
    private void readAll(ThingId thing, ZigBeeNode node) {
        ExecutorService r = reads;
        if (r == null) {
            return;
        }
        try {
            r.execute(() -> {
                // The answers are published as they arrive, in turn with the device's reports (commandReceived):
                // published again from here, after the exchange returned, an answer could overwrite a newer report.
                for (int id : new int[] {Zcl.CLUSTER_ON_OFF, Zcl.CLUSTER_LEVEL, Zcl.CLUSTER_TEMPERATURE}) {
                    ZclCluster c = cluster(node, id);
                    if (c != null && sink != null) {
                        exchange(() -> c.readAttribute(0));
                    }
                }
            });
        } catch (RejectedExecutionException detached) {
            // the model detached meanwhile
        }
    }

    private ZigBeeNode node(ThingId thing, String property) {
        Optional<TrustCenter.Member> m = trustCenter.member(thing);
        ZigBeeNode node = m.map(x -> manager.getNode(new com.zsmartsystems.zigbee.IeeeAddress(
                String.format("%016X", x.ieee)))).orElse(null);
        if (node == null) {
            throw new PropertyWriteException(thing, property, "ZigBee device " + thing + " is not on the network");
        }
        return node;
    }

    private static ZclCluster required(ZigBeeNode node, ThingId thing, String property, int clusterId) {
        ZclCluster c = cluster(node, clusterId);
        if (c == null) {
            throw new PropertyWriteException(thing, property, String.format("ZigBee device %s has no cluster 0x%04x",
                    thing, clusterId));
        }
        return c;
    }

    private static void confirm(ThingId thing, String property, String what, CommandResult r) {
        if (r == null || !r.isSuccess()) {
            throw new PropertyWriteException(thing, property, "ZigBee device " + thing + " did not confirm the "
                    + what + " command" + (r == null ? " within " + TIMEOUT_SECONDS + " s" : " (" + r + ")"));
        }
    }

    /**
     * Reads the attribute back from the device so the model holds what it now has; if the read gets no answer, the
     * written value (which the device confirmed) stands, marked as a write.
     */
    private void readBack(ThingId thing, ZclCluster cluster, int clusterId, String property, Object written) {
        CommandResult r = exchange(() -> cluster.readAttribute(0));
        if (r != null && r.isSuccess() && r.getResponse() instanceof ReadAttributesResponse response) {
            published(thing, clusterId, response);
            return;
        }
        PropertySink s = sink;
        if (written != null && s != null) {
            try {
                s.update(thing, property, written, Origin.WRITE);
            } catch (IllegalArgumentException | IllegalStateException e) {
                LOG.info("ZigBee value of {} {} not taken by the thing model: {}", thing, property, e.getMessage());
            }
        }
    }

    /** Sends one frame and waits for its answer (null if none came) before the next may go. */
    private CommandResult exchange(Supplier<Future<CommandResult>> send) {
        synchronized (radio) {
            return await(send.get());
        }
    }

    private static CommandResult await(Future<CommandResult> f) {
        if (f == null) {
            // the stack sent nothing (the node is not yet, or no longer, reachable through it): no answer
            return null;
        }
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }
}
