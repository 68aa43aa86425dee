package org.trusthub.binding.dpws.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurityException;

/**
 * A discovered device's operations and events in the thing model: reads the operations of an enrolled device (one
 * the model took) in the background once per metadata version, subscribes to its events so their payloads reach the
 * event properties (renewing before they run out), and turns a write of an operation property into a call of the
 * operation whose answer becomes the property's value.
 */
final class DiscoveredOperations {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveredOperations.class);
    /** Subscriptions are renewed when less than this is left. */
    static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
    // Devices decide when their metadata changes and whether reading it fails: said once a minute.
    private final LogLimiter logs = new LogLimiter(Duration.ofMinutes(1), 1);

    private final DpwsStack stack;
    private final Supplier<DpwsModel> model;
    // address#metadataVersion of the reads started, so a device is read once per version of its metadata
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    // device address + " " + service address -> the event subscription held for the model
    private final Map<String, DpwsClient.ClientSubscription> subscriptions = new ConcurrentHashMap<>();

    DiscoveredOperations(DpwsStack stack, Supplier<DpwsModel> model) {
        this.stack = stack;
        this.model = model;
    }

    /** A device changed: if the model took it and its operations are not read for this metadata, read them. */
    void deviceChanged(DiscoveredDevice d) {
        DpwsModel m = model.get();
        if (m == null || !m.describes(d.thing()) || !unread(d)) {
            return;
        }
        if (started.add(d.address() + "#" + d.metadataVersion())) {
            stack.background(() -> read(d.address()));
        }
    }

    /** Reads a device's metadata, operations and events again (the model's refresh). */
    void refresh(ThingId thing) {
        for (DiscoveredDevice d : stack.client().devices()) {
            if (d.thing().equals(thing)) {
                stack.background(() -> read(d.address()));
            }
        }
    }

    private static boolean unread(DiscoveredDevice d) {
        return d.metadata() == null || d.metadata().services().stream()
                .anyMatch(s -> s.operations().isEmpty() && s.unknown() == null);
    }

    private void read(String address) {
        DpwsClient client = stack.client();
        Optional<DiscoveredDevice> known = client.device(address);
        if (known.isEmpty()) {
            return;
        }
        ThingId thing = known.get().thing();
        try {
            DiscoveredDevice d = client.fetchMetadata(address);
            for (DiscoveredDevice.HostedService s : d.metadata().services()) {
                DiscoveredDevice.HostedService read = client.serviceOperations(address, s.address());
                subscribe(d, read);
            }
        } catch (IOException | MalformedMessageException | SoapSecurityException | RuntimeException e) {
            OptionalLong due = logs.admit("read failed");
            if (due.isPresent()) {
                LOG.warn("DPWS: the operations of device {} are unknown: {} ({} more since the last report)",
                        Xml.printable(address), Xml.printable(e.getMessage()), due.getAsLong());
            }
            DpwsModel m = model.get();
            if (m != null) {
                m.operationsUnknown(thing, "its metadata could not be read: " + Xml.printable(e.getMessage()));
            }
        }
    }

    private void subscribe(DiscoveredDevice d, DiscoveredDevice.HostedService s)
            throws IOException, MalformedMessageException, SoapSecurityException {
        List<String> actions = s.operations().stream().filter(Wsdl.Operation::isEvent)
                .map(Wsdl.Operation::outputAction).toList();
        String key = d.address() + " " + s.address();
        ThingId thing = d.thing();
        // Two reads of the same device (its Hello and the model's refresh) run on two background threads: one
        // subscription per service, or the device would send to one while the hub listens on the other.
        synchronized (subscriptions) {
            DpwsClient.ClientSubscription held = subscriptions.get(key);
            if (actions.isEmpty() || held != null && stack.client().subscriptions().contains(held)) {
                return;
            }
            subscriptions.put(key, stack.client().subscribe(d.address(), s.address(), actions, Eventing.MAX_EXPIRY,
                    n -> {
                        DpwsModel m = model.get();
                        if (m != null && !Eventing.SUBSCRIPTION_END.equals(n.action())) {
                            m.event(thing, n.action(), DeviceOperations.payloadOf(n));
                        }
                    }));
        }
    }

    /** Renews the model's subscriptions that run out soon; drops those the device no longer keeps. */
    void renewDue() {
        for (Map.Entry<String, DpwsClient.ClientSubscription> e : subscriptions.entrySet()) {
            DpwsClient.ClientSubscription s = e.getValue();
            if (!stack.client().subscriptions().contains(s)) {
                subscriptions.remove(e.getKey(), s);
            } else if (s.expires().isBefore(Instant.now().plus(RENEW_BEFORE))) {
                try {
                    subscriptions.replace(e.getKey(), s, stack.client().renew(s, Eventing.MAX_EXPIRY));
                } catch (IOException | MalformedMessageException | SoapSecurityException | RuntimeException x) {
                    subscriptions.remove(e.getKey(), s);
                    LOG.info("DPWS: renewing the event subscription at {}: {}", s.manager(),
                            Xml.printable(x.getMessage()));
                }
            }
        }
    }

    /**
     * A write of an operation property: calls the operation with the value as its input (XML or JSON) and publishes
     * the answer as the property's value.
     *
     * @throws PropertyWriteException when the property is no operation, or the call failed
     */
    void write(ThingId thing, PropertyDescriptor property, Object value) {
        DpwsModel m = model.get();
        Optional<DpwsModel.Target> t = m == null ? Optional.empty() : m.target(thing, property.id());
        if (t.isEmpty() || t.get().operation().isEvent()) {
            throw new PropertyWriteException(thing, property.id(), "DPWS property '" + property.id() + "' of "
                    + thing + " is read-only");
        }
        DiscoveredDevice d = stack.client().device(t.get().device()).orElseThrow(() -> new PropertyWriteException(
                thing, property.id(), "DPWS device " + thing + " is not discovered now"));
        DiscoveredDevice.HostedService s = d.metadata() == null ? null : d.metadata().services().stream()
                .filter(x -> x.address().equals(t.get().service())).findFirst().orElse(null);
        if (s == null) {
            throw new PropertyWriteException(thing, property.id(), "DPWS device " + thing + " no longer offers "
                    + "the service of " + property.id());
        }
        try {
            DeviceOperations.Outcome o = new DeviceOperations(stack.client()).call(d, s, t.get().operation(),
                    (String) value);
            String answer = o.response() == null ? "sent (one-way)" : o.payload();
            m.operationValue(thing, property.id(), answer == null ? "" : answer, Origin.WRITE);
        } catch (IOException | MalformedMessageException | SoapSecurityException | IllegalArgumentException e) {
            throw new PropertyWriteException(thing, property.id(), "DPWS operation " + t.get().operation().name()
                    + " of " + thing + " failed: " + Xml.printable(e.getMessage()), e);
        }
    }
}
