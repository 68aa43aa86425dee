package org.trusthub.binding.dpws.internal;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.config.ConfigLists;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.binding.dpws.spi.SoapSecurity;

/**
 * The DPWS binding as an OSGi component. Configuration PID {@value #PID}. Until an operator names interfaces it
 * binds loopback only and joins no multicast group, so nothing on the network sees the hub; the device-host role
 * (presenting hub things to the LAN) needs a second, explicit switch.
 *
 * <p>It holds the WS-Security provider (through {@link SoapSecurity}), the {@link SecurityPolicy} and
 * {@link SecurityRefusals} by optional, dynamic, greedy references: a provider or policy that goes away or is
 * replaced never restarts the binding, its HTTP server or its discovery. While one is missing, what needs it is
 * refused ({@link MessageSecurity}), and what was held back (Hello, Bye) goes out once it is back.
 */
@Component(service = {ProtocolBinding.class, DpwsBinding.class}, configurationPid = DpwsBinding.PID,
        immediate = true, property = {ProtocolBinding.PROTOCOL + "=dpws", ProtocolBinding.SIMULATED + ":Boolean=false"})
@Designate(ocd = DpwsBinding.Config.class)
public final class DpwsBinding implements ProtocolBinding {

    public static final String PID = "org.trusthub.binding.dpws";
    private static final Logger LOG = LoggerFactory.getLogger(DpwsBinding.class);

    @ObjectClassDefinition(name = "trusthub DPWS binding", description = "WS-Discovery, DPWS metadata, SOAP 1.2 "
            + "invoke and WS-Eventing, as client and as device host.")
    public @interface Config {
        @AttributeDefinition(name = "Interfaces", description = "Network interface names (e.g. eth0) where "
                + "discovery runs (multicast 239.255.255.250 / FF02::C, UDP 3702) and HTTP listens. Empty: loopback "
                + "only, no multicast: the binding is inert on the network until configured.")
        String[] interfaces() default {};

        @AttributeDefinition(name = "Discovery port", description = "WS-Discovery UDP port; 3702 on real networks.")
        int discoveryPort() default UdpTransport.DEFAULT_PORT;

        @AttributeDefinition(name = "HTTP port", description = "Port of the SOAP endpoint; 0 picks a free one "
                + "(Hello and ProbeMatches announce it).")
        int httpPort() default 0;

        @AttributeDefinition(name = "IPv4", description = "Discover over IPv4 (239.255.255.250).")
        boolean ipv4() default true;

        @AttributeDefinition(name = "IPv6", description = "Discover over IPv6 link-local (FF02::C).")
        boolean ipv6() default true;

        @AttributeDefinition(name = "Client", description = "Find and use DPWS devices on the interfaces.")
        boolean clientEnabled() default true;

        @AttributeDefinition(name = "Device host", description = "Present hub things as DPWS devices on the "
                + "interfaces. Off by default: it makes things visible to every DPWS client on the LAN.")
        boolean hostEnabled() default false;

        @AttributeDefinition(name = "Hosted things", description = "Thing ids to present; empty: every "
                + "OPERATIONAL thing.")
        String[] hostedThings() default {};

        @AttributeDefinition(name = "Hub name", description = "Seeds the stable device UUIDs of hosted things; "
                + "empty: this host's name.")
        String hubName() default "";

        @AttributeDefinition(name = "HTTPS", description = "Serve the SOAP endpoint over TLS with the hub's identity "
                + "(security-transport's TlsContexts: peers must present an enrolled thing's root certificate or one "
                + "chaining to a keystore trust anchor) and announce https:// XAddrs. While no TlsContexts service is "
                + "registered, connections are closed unserved, never answered in the clear.")
        boolean https() default false;

        @AttributeDefinition(name = "Maximum connections", description = "SOAP endpoint connections served at "
                + "once (1 to 4096); more are reset at once. Each holds a thread and a file descriptor.")
        int maxConnections() default 64;

        @AttributeDefinition(name = "Maximum connections per source", description = "Connections one source "
                + "address may hold at once (1 to maxConnections), so one client cannot take every slot.")
        int maxConnectionsPerSource() default 8;

        @AttributeDefinition(name = "Request timeout (seconds)", description = "Absolute deadline for receiving a "
                + "whole request (TLS handshake, headers and body), and again for sending the answer; 1 to 300.")
        int requestTimeoutSeconds() default 10;

        @AttributeDefinition(name = "Discovery replies per minute", description = "ProbeMatches and ResolveMatches "
                + "messages the device host sends to one source address per minute (one per matching hosted thing). "
                + "A Probe is answered in full while its source has budget left; over budget it is not answered. "
                + "Bounds what a spoofed Probe can make the hub send to a victim.")
        int discoveryRepliesPerMinute() default HostLimits.DEFAULT_DISCOVERY_REPLIES_PER_MINUTE;

        @AttributeDefinition(name = "Event sinks", description = "Hosts (exact names) and addresses or CIDR ranges "
                + "(e.g. 192.168.1.0/24, fd00::/8) that a WS-Eventing subscription's NotifyTo and EndTo may name "
                + "besides the address the Subscribe came from. Empty: events go back to the subscriber only.")
        String[] eventSinks() default {};
    }

    @Reference
    ThingRegistry registry;
    /** The state last published per thing, so a repeated cue sends no second StateChanged. */
    private final java.util.Map<ThingId, String> published = new java.util.concurrent.ConcurrentHashMap<>();

    volatile SoapSecurity soapSecurity;
    volatile SecurityPolicy policy;

    // A greedy replacement binds the new service before it unbinds the old one: unbind only clears its own.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSoapSecurity(SoapSecurity s) {
        soapSecurity = s;
        securityReturned();
    }

    void unbindSoapSecurity(SoapSecurity s) {
        if (soapSecurity == s) {
            soapSecurity = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPolicy(SecurityPolicy p) {
        policy = p;
        securityReturned();
    }

    void unbindPolicy(SecurityPolicy p) {
        if (policy == p) {
            policy = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityRefusals refusals;

    private void securityReturned() {
        DpwsStack running = stack;
        if (running != null) {
            running.securityReturned();
        }
    }

    /** What the running stack asks for every message: the services bound now. */
    MessageSecurity messageSecurity() {
        return new MessageSecurity(() -> soapSecurity, () -> policy, () -> refusals);
    }

    // Client side too: https:// XAddrs of other devices are reached with the hub's client context when present.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Tls tls;

    private volatile DpwsStack stack;
    // The thing model's view of this binding's things, while the model is attached (DpwsProperties).
    private volatile DpwsModel model;
    // A discovered device's operations and events in the model, for the running stack.
    private volatile DiscoveredOperations operations;
    private final HostedServices contributed = new HostedServices();

    // Whiteboard: hosted services of other bundles; they appear in every hosted device's metadata and vanish with
    // their contributor.
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHostedService(org.trusthub.binding.dpws.spi.HostedService service) {
        contributed.add(service);
    }

    void removeHostedService(org.trusthub.binding.dpws.spi.HostedService service) {
        contributed.remove(service);
    }
    private volatile Set<String> hostedFilter = Set.of();

    static HttpServer.Limits limits(Config config) {
        int seconds = config.requestTimeoutSeconds();
        if (seconds < 1 || seconds > 300) {
            throw new IllegalArgumentException(PID + ": requestTimeoutSeconds must be 1 to 300, not " + seconds);
        }
        try {
            return new HttpServer.Limits(config.maxConnections(), config.maxConnectionsPerSource(),
                    Duration.ofSeconds(seconds));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PID + ": " + e.getMessage(), e);
        }
    }

    static HostLimits hostLimits(Config config) {
        try {
            return new HostLimits(config.discoveryRepliesPerMinute(), ConfigLists.entries(config.eventSinks(), ','));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PID + ": " + e.getMessage(), e);
        }
    }

    /** The configured network interfaces, each checked to exist and to carry the MULTICAST flag. */
    static List<NetworkInterface> interfaces(Config config) {
        List<NetworkInterface> nifs = new ArrayList<>();
        // A .cfg file delivers 'interfaces = eth0, wlan0' as one String: the entries are split here.
        for (String name : ConfigLists.entries(config.interfaces(), ',')) {
            NetworkInterface nif;
            try {
                nif = NetworkInterface.getByName(name.trim());
            } catch (SocketException e) {
                nif = null;
            }
            if (nif == null) {
                throw new IllegalArgumentException(PID + ": no network interface named '" + Xml.printable(name) + "'");
            }
            try {
                if (!nif.supportsMulticast()) {
                    throw new IllegalArgumentException(PID + ": interface " + nif.getName()
                            + " has no MULTICAST flag; WS-Discovery needs multicast");
                }
            } catch (SocketException e) {
                throw new IllegalArgumentException(PID + ": cannot read interface " + nif.getName(), e);
            }
            nifs.add(nif);
        }
        return nifs;
    }

    @Activate
    synchronized void activate(Config config) throws IOException {
        limits(config); // refuses a bad value before anything starts
        hostLimits(config);
        interfaces(config);
        settings = settings(config);
        start(config);
    }

    private void start(Config config) throws IOException {
        HttpServer.Limits limits = limits(config);
        List<NetworkInterface> nifs = interfaces(config);
        hostedFilter = Set.copyOf(ConfigLists.entries(config.hostedThings(), ','));
        String hub = config.hubName().isBlank() ? hostName() : config.hubName().trim();
        DpwsStack s = new DpwsStack(new DpwsStack.Config(nifs, config.discoveryPort(), config.httpPort(),
                config.ipv4(), config.ipv6(), config.clientEnabled(), config.hostEnabled(), hub,
                Duration.ofSeconds(5)), new RegistryThings(), messageSecurity(), () -> tls, config.https(), limits);
        s.host().services(contributed);
        s.host().limits(hostLimits(config));
        DiscoveredOperations ops = new DiscoveredOperations(s, () -> model);
        s.client().addListener(d -> {
            DpwsModel m = model;
            if (m != null) {
                m.deviceChanged(d);
                ops.deviceChanged(d);
            }
        });
        s.client().addGoneListener(d -> {
            DpwsModel m = model;
            if (m != null) {
                m.deviceGone(d);
            }
        });
        s.start();
        s.everyMinute(ops::renewDue);
        operations = ops;
        stack = s;
        publishModel();
    }

    /*
     * Karaf's file install writes a configuration made through Config Admin to etc/ and then updates it once more
     * with the file's name: without this, every such echo restarted the stack (Bye, a new HTTP port, Hello), and a
     * client that had just resolved the device met a host that no longer knew it.
     */
    @Modified
    synchronized void modified(Config config) throws IOException {
        if (settings(config).equals(settings)) {
            return;
        }
        limits(config); // a bad value leaves the running stack as it is
        hostLimits(config);
        interfaces(config);
        deactivate();
        activate(config);
    }

    /** Every setting of a configuration, in a stable order, arrays as lists: equal when the stack would be. */
    static List<Object> settings(Config config) {
        List<Object> values = new ArrayList<>();
        Arrays.stream(Config.class.getDeclaredMethods()).sorted(java.util.Comparator.comparing(
                java.lang.reflect.Method::getName)).forEach(m -> {
                    try {
                        Object v = m.invoke(config);
                        values.add(v instanceof Object[] a ? Arrays.asList(a) : v);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(PID + ": cannot read setting " + m.getName(), e);
                    }
                });
        return values;
    }

    private volatile List<Object> settings = List.of();

    @Deactivate
    synchronized void deactivate() {
        DpwsStack s = stack;
        stack = null;
        operations = null;
        if (s != null) {
            s.close();
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "trusthub";
        }
    }

    /** The running stack, for the shell; null while deactivated. */
    public DpwsStack stack() {
        return stack;
    }

    /** Whether the WS-Security provider and the security policy are registered. */
    public boolean securityAvailable() {
        return soapSecurity != null && policy != null;
    }

    private final class RegistryThings implements ThingSource {
        @Override
        public List<ThingId> hosted() {
            return registry.list().stream().filter(t -> t.state() == LifecycleState.OPERATIONAL)
                    .map(Thing::id).filter(id -> hostedFilter.isEmpty() || hostedFilter.contains(id.value()))
                    .toList();
        }

        @Override
        public Optional<String> state(ThingId thing) {
            return registry.find(thing).map(t -> t.state().name());
        }
    }

    /**
     * A thing's lifecycle state may have changed: reads its current state from the registry and publishes that, once
     * per change: its subscribers get a StateChanged event, the model the state, and the hosted set follows (Hello
     * for a thing now hosted, Bye for one no longer). Called by {@link HostedStateEvents} on every lifecycle event,
     * which is only the cue: the state it carries may already be stale. What a thing that leaves OPERATIONAL holds
     * is dropped by {@link #release}, which the lifecycle dispatcher calls.
     */
    public synchronized void stateChanged(ThingId thing) {
        DpwsStack s = stack;
        if (s != null && s.config().host()) {
            String state = registry.find(thing).map(t -> t.state().name()).orElse(null);
            String before = state == null ? published.remove(thing) : published.put(thing, state);
            if (state != null && !state.equals(before)) {
                s.host().stateChanged(thing, state);
            }
            s.host().refresh();
            DpwsModel m = model;
            DeviceHost.Hosted h = s.host().deviceFor(thing);
            if (m != null && h != null && state != null) {
                m.hosted(thing, h.address(), state);
            } else if (m != null && h == null) {
                m.hostedGone(thing);
            }
        }
    }

    /** Sets (or, with null, drops) the thing model's view and gives it everything known now. */
    void model(DpwsModel m) {
        model = m;
        publishModel();
    }

    /** A write of a discovered device's operation property: calls the operation (see DiscoveredOperations). */
    void writeOperation(ThingId thing, org.trusthub.api.model.PropertyDescriptor property, Object value) {
        DiscoveredOperations ops = operations;
        if (ops == null) {
            throw new org.trusthub.api.model.PropertyWriteException(thing, property.id(),
                    "the DPWS binding is not running");
        }
        ops.write(thing, property, value);
    }

    /** Reads a discovered device's metadata, operations and events again, and republishes the model. */
    void refresh(ThingId thing) {
        DiscoveredOperations ops = operations;
        if (ops != null) {
            ops.refresh(thing);
        }
        publishModel();
    }

    /** Gives the thing model every discovered device and every hosted thing's state as they are now. */
    void publishModel() {
        DpwsModel m = model;
        DpwsStack s = stack;
        if (m == null || s == null) {
            return;
        }
        DiscoveredOperations ops = operations;
        s.client().devices().forEach(d -> {
            m.deviceChanged(d);
            if (ops != null) {
                ops.deviceChanged(d);
            }
        });
        s.host().hosted().forEach((thing, h) -> registry.find(thing).ifPresent(t -> m.hosted(thing, h.address(),
                t.state().name())));
    }

    @Override
    public String protocol() {
        return "dpws";
    }

    @Override
    public boolean isSimulated() {
        return false;
    }

    @Override
    public Set<ThingId> things() {
        DpwsStack s = stack;
        if (s == null) {
            return Set.of();
        }
        Set<ThingId> out = new TreeSet<>(s.host().hosted().keySet());
        s.client().devices().forEach(d -> out.add(d.thing()));
        return out;
    }

    /**
     * Drops what the binding holds for a thing, at once: the client's event subscriptions to the thing's device, the
     * event subscriptions the thing signed at hosted devices, and its own device if it is no longer hosted (Bye).
     * Idempotent, and a no-op for a thing the binding does not know.
     */
    @Override
    public void release(ThingId thing) {
        DpwsStack s = stack;
        if (s == null) {
            return;
        }
        if (s.config().host()) {
            s.host().release(thing);
        }
        for (DpwsClient.ClientSubscription sub : s.client().subscriptions()) {
            s.client().device(sub.device()).filter(d -> d.thing().equals(thing)).ifPresent(d -> {
                try {
                    s.client().unsubscribe(sub);
                } catch (Exception e) {
                    LOG.info("DPWS: unsubscribing {} on release: {}", thing, e.getMessage());
                }
            });
        }
    }
}
