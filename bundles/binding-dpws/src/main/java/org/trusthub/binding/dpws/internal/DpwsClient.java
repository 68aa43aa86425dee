package org.trusthub.binding.dpws.internal;

import static org.trusthub.binding.dpws.internal.DpwsVersion.MEX;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import javax.xml.namespace.QName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.w3c.dom.Element;

/**
 * The client role: finds devices (Probe, Resolve, Hello, Bye), reads their metadata (WS-Transfer Get,
 * WS-MetadataExchange), invokes their operations and subscribes to their events (WS-Eventing).
 */
public final class DpwsClient {

    private static final Logger LOG = LoggerFactory.getLogger(DpwsClient.class);
    // Anyone who can reach the event sink can make a notification fail: said once a minute.
    private final LogLimiter logs = new LogLimiter(Duration.ofMinutes(1), 1);
    /** A network can announce more devices than this; the rest are ignored rather than exhaust memory. */
    static final int MAX_DEVICES = 1024;

    /** A subscription this client holds at a device's event source. */
    public record ClientSubscription(String localId, String device, URI manager, String identifier,
            DpwsVersion version, Instant expires) {
    }

    private final DpwsStack stack;
    private final Map<String, DiscoveredDevice> devices = new ConcurrentHashMap<>();
    private final Map<String, List<DiscoveryMessage>> pending = new ConcurrentHashMap<>();
    private final Map<String, Consumer<SoapMessage>> sinks = new ConcurrentHashMap<>();
    private final Map<String, ClientSubscription> subscriptions = new ConcurrentHashMap<>();
    private final List<Consumer<DiscoveredDevice>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<DiscoveredDevice>> goneListeners = new CopyOnWriteArrayList<>();

    private final ServiceDescriptions descriptions;

    DpwsClient(DpwsStack stack) {
        this.stack = stack;
        this.descriptions = new ServiceDescriptions(stack, (d, to, req) -> exchange(d, to, req).message);
    }

    public Collection<DiscoveredDevice> devices() {
        return List.copyOf(devices.values());
    }

    public Optional<DiscoveredDevice> device(String address) {
        return Optional.ofNullable(devices.get(address));
    }

    public Collection<ClientSubscription> subscriptions() {
        return List.copyOf(subscriptions.values());
    }

    /** Called with each device that is discovered or whose discovery data or metadata changed. */
    public void addListener(Consumer<DiscoveredDevice> l) {
        listeners.add(l);
    }

    /** Called with each device that said Bye or was forgotten. */
    public void addGoneListener(Consumer<DiscoveredDevice> l) {
        goneListeners.add(l);
    }

    // ---- discovery ----

    /**
     * Probes for devices of the given types (DPWS Device when empty) in both generations, multicast on every
     * configured interface or directed to one peer, and returns the matches that arrived within the wait.
     */
    public List<DiscoveryMessage.Endpoint> probe(List<QName> types, InetSocketAddress directed, Duration wait)
            throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (DpwsVersion v : DpwsVersion.values()) {
            List<QName> t = types.isEmpty() ? List.of(new QName(v.dpws, "Device")) : types;
            SoapMessage probe = DiscoveryMessage.probe(v, t, List.of());
            ids.add(probe.messageId());
            pending.put(probe.messageId(), new CopyOnWriteArrayList<>());
            stack.sendDiscovery(probe, directed, 0);
        }
        return collect(ids, wait, Integer.MAX_VALUE);
    }

    /** Resolves a device's endpoint address to its transport addresses. */
    public Optional<DiscoveryMessage.Endpoint> resolve(String address, InetSocketAddress directed, Duration wait)
            throws InterruptedException {
        List<String> ids = new ArrayList<>();
        DiscoveredDevice known = devices.get(address);
        for (DpwsVersion v : DpwsVersion.values()) {
            if (known != null && known.version() != v) {
                continue;
            }
            SoapMessage r = DiscoveryMessage.resolve(v, address);
            ids.add(r.messageId());
            pending.put(r.messageId(), new CopyOnWriteArrayList<>());
            stack.sendDiscovery(r, directed, 0);
        }
        return collect(ids, wait, 1).stream().filter(e -> e.address().equals(address)).findFirst();
    }

    private List<DiscoveryMessage.Endpoint> collect(List<String> ids, Duration wait, int enough)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (count(ids) >= enough) {
                    break;
                }
                Thread.sleep(20);
            }
            List<DiscoveryMessage.Endpoint> out = new ArrayList<>();
            for (String id : ids) {
                for (DiscoveryMessage m : pending.getOrDefault(id, List.of())) {
                    for (DiscoveryMessage.Endpoint e : m.endpoints) {
                        if (out.stream().noneMatch(o -> o.address().equals(e.address()))) {
                            out.add(e);
                        }
                    }
                }
            }
            return out;
        } finally {
            ids.forEach(pending::remove);
        }
    }

    private int count(List<String> ids) {
        return ids.stream().mapToInt(id -> pending.getOrDefault(id, List.of()).stream()
                .mapToInt(m -> m.endpoints.size()).sum()).sum();
    }

    void onDiscovery(DiscoveryMessage m, String signer) {
        switch (m.kind) {
            case HELLO -> remember(m, m.endpoints.get(0), signer);
            case BYE -> {
                DiscoveredDevice gone = devices.remove(m.endpoints.get(0).address());
                if (gone != null) {
                    LOG.info("DPWS: device {} said Bye", Xml.printable(gone.address()));
                    goneListeners.forEach(l -> l.accept(gone));
                }
            }
            case PROBE_MATCHES, RESOLVE_MATCHES -> {
                List<DiscoveryMessage> waiting = m.soap.relatesTo() == null ? null : pending.get(m.soap.relatesTo());
                if (waiting == null) {
                    LOG.debug("DPWS: {} relating to no pending request of ours", m.kind);
                    return;
                }
                for (DiscoveryMessage.Endpoint e : m.endpoints) {
                    remember(m, e, signer);
                }
                waiting.add(m);
            }
            default -> {
            }
        }
    }

    private void remember(DiscoveryMessage m, DiscoveryMessage.Endpoint e, String signer) {
        DiscoveredDevice d = devices.compute(e.address(), (a, old) -> {
            if (old == null) {
                if (devices.size() >= MAX_DEVICES) {
                    return null;
                }
                ThingId id;
                try {
                    id = DiscoveredDevice.thingIdFor(a);
                } catch (IllegalArgumentException ex) {
                    return null;
                }
                return new DiscoveredDevice(a, id, m.soap.version, e.types(), e.scopes(), e.xaddrs(),
                        e.metadataVersion(), Instant.now(), signer, null, Protection.NONE);
            }
            return old.withDiscovery(m.soap.version, e.types(), e.scopes(), e.xaddrs(), e.metadataVersion(),
                    signer);
        });
        if (d == null) {
            LOG.warn("DPWS: device table full ({}), ignoring {}", MAX_DEVICES, Xml.printable(e.address()));
            return;
        }
        listeners.forEach(l -> l.accept(d));
    }

    // ---- metadata ----

    /** Fetches a device's metadata with WS-Transfer Get from its first HTTP transport address. */
    public DiscoveredDevice fetchMetadata(String address) throws IOException, MalformedMessageException,
            SoapSecurityException {
        DiscoveredDevice d = known(address);
        if (d.xaddrs().stream().noneMatch(x -> x.startsWith("http://") || x.startsWith("https://"))) {
            // Hello and ProbeMatches may omit XAddrs (Windows does, for privacy); Resolve asks for them.
            try {
                resolve(address, null, java.time.Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while resolving " + address, e);
            }
            d = known(address);
        }
        URI xaddr = d.xaddrs().stream().filter(x -> x.startsWith("http://") || x.startsWith("https://"))
                .map(URI::create).findFirst()
                .orElseThrow(() -> new IOException("device " + address + " has no HTTP transport address; resolve it"));
        DpwsVersion v = d.version();
        SoapMessage get = SoapMessage.create(v, DpwsVersion.WST_GET, address, null);
        Element replyTo = Xml.add(get.header, v.wsa, "wsa:ReplyTo");
        Xml.add(replyTo, v.wsa, "wsa:Address", v.anonymous);
        Exchange r = exchange(d, xaddr, get);
        DiscoveredDevice.Metadata md = DeviceMetadata.read(r.message, v);
        DiscoveredDevice updated = devices.computeIfPresent(address, (a, old) -> old.withMetadata(md, r.protection));
        if (updated != null) {
            listeners.forEach(l -> l.accept(updated));
        }
        return updated == null ? d.withMetadata(md, r.protection) : updated;
    }

    /** A hosted service's own metadata (WS-MetadataExchange GetMetadata on its endpoint): the mex:Metadata. */
    public Element serviceMetadata(String device, String serviceAddress)
            throws IOException, MalformedMessageException, SoapSecurityException {
        return serviceMetadataExchange(known(device), serviceAddress).metadata;
    }

    private record ServiceMetadata(Element metadata, Protection protection) {
    }

    private ServiceMetadata serviceMetadataExchange(DiscoveredDevice d, String serviceAddress)
            throws IOException, MalformedMessageException, SoapSecurityException {
        DpwsVersion v = d.version();
        SoapMessage get = SoapMessage.create(v, DpwsVersion.MEX_GET_METADATA, serviceAddress, null);
        Xml.add(get.body, MEX, "mex:GetMetadata");
        Exchange r = exchange(d, URI.create(serviceAddress), get);
        if (r.message == null) {
            throw new MalformedMessageException("GetMetadata answered with no envelope");
        }
        Element md = Xml.child(r.message.body, MEX, "Metadata");
        if (md == null) {
            throw new MalformedMessageException("GetMetadata response without mex:Metadata");
        }
        return new ServiceMetadata(md, r.protection);
    }

    /**
     * Reads the operations of one hosted service from its WSDL (WS-MetadataExchange GetMetadata), inline or
     * referenced ({@link ServiceDescriptions}); the answer says why when they are unknown.
     */
    public DiscoveredDevice.HostedService serviceOperations(String device, String serviceAddress)
            throws IOException, MalformedMessageException, SoapSecurityException {
        DiscoveredDevice d = known(device);
        ServiceMetadata r = serviceMetadataExchange(d, serviceAddress);
        ServiceDescriptions.Result ops = descriptions.read(d, serviceAddress, r.metadata);
        DiscoveredDevice updated = devices.computeIfPresent(device, (a, old) -> old.metadata() == null ? old
                : old.withMetadata(withOperations(old.metadata(), serviceAddress, ops), r.protection));
        if (updated != null) {
            listeners.forEach(l -> l.accept(updated));
        }
        DiscoveredDevice.Metadata m = updated == null ? null : updated.metadata();
        return (m == null ? List.<DiscoveredDevice.HostedService>of() : m.services()).stream()
                .filter(s -> s.address().equals(serviceAddress)).findFirst()
                .orElse(new DiscoveredDevice.HostedService(serviceAddress, List.of(), null, ops.operations(),
                        ops.unknown()));
    }

    private static DiscoveredDevice.Metadata withOperations(DiscoveredDevice.Metadata m, String address,
            ServiceDescriptions.Result ops) {
        List<DiscoveredDevice.HostedService> services = new ArrayList<>();
        for (DiscoveredDevice.HostedService s : m.services()) {
            services.add(s.address().equals(address) ? new DiscoveredDevice.HostedService(s.address(), s.types(),
                    s.serviceId(), ops.operations(), ops.unknown()) : s);
        }
        return new DiscoveredDevice.Metadata(m.friendlyName(), m.manufacturer(), m.modelName(), m.firmwareVersion(),
                m.serialNumber(), List.copyOf(services));
    }

    // ---- invoke ----

    /** Invokes an operation of a hosted service; returns the response, or null for a one-way operation. */
    public SoapMessage invoke(String device, String serviceAddress, String action, Element payload)
            throws IOException, MalformedMessageException, SoapSecurityException {
        DiscoveredDevice d = known(device);
        SoapMessage req = SoapMessage.create(d.version(), action, serviceAddress, null);
        if (payload != null) {
            req.body.appendChild(req.doc.importNode(payload, true));
        }
        return exchange(d, URI.create(serviceAddress), req).message;
    }

    // ---- eventing ----

    /** Subscribes to events of a hosted service; notifications reach the listener until it ends. */
    public ClientSubscription subscribe(String device, String serviceAddress, List<String> actions, Duration expires,
            Consumer<SoapMessage> listener) throws IOException, MalformedMessageException, SoapSecurityException {
        DiscoveredDevice d = known(device);
        DpwsVersion v = d.version();
        URI service = URI.create(serviceAddress);
        String localId = UUID.randomUUID().toString();
        String sink = stack.sinkUrl(service, localId);
        SoapMessage req = SoapMessage.create(v, Eventing.SUBSCRIBE, serviceAddress, null);
        Element sub = Xml.add(req.body, Eventing.WSE, "wse:Subscribe");
        Xml.add(Xml.add(sub, Eventing.WSE, "wse:EndTo"), v.wsa, "wsa:Address", sink);
        Element delivery = Xml.add(sub, Eventing.WSE, "wse:Delivery");
        delivery.setAttribute("Mode", Eventing.PUSH);
        Xml.add(Xml.add(delivery, Eventing.WSE, "wse:NotifyTo"), v.wsa, "wsa:Address", sink);
        Xml.add(sub, Eventing.WSE, "wse:Expires", Eventing.format(expires));
        if (!actions.isEmpty()) {
            Element f = Xml.add(sub, Eventing.WSE, "wse:Filter", String.join(" ", actions));
            f.setAttribute("Dialect", v.dpws + "/Action");
        }
        sinks.put(localId, listener);
        try {
            SoapMessage r = exchange(d, service, req).message;
            Element resp = Xml.child(r.body, Eventing.WSE, "SubscribeResponse");
            Element mgr = Xml.child(resp, Eventing.WSE, "SubscriptionManager");
            if (mgr == null) {
                throw new MalformedMessageException("SubscribeResponse without a SubscriptionManager");
            }
            String mgrAddress = Xml.childText(mgr, v.wsa, "Address");
            String identifier = Xml.childText(Xml.child(mgr, v.wsa, "ReferenceParameters"), Eventing.WSE,
                    "Identifier");
            Duration granted = Eventing.parseExpires(Xml.childText(resp, Eventing.WSE, "Expires"), Instant.now());
            ClientSubscription s = new ClientSubscription(localId, device, URI.create(mgrAddress), identifier, v,
                    Instant.now().plus(granted));
            subscriptions.put(localId, s);
            return s;
        } catch (IOException | MalformedMessageException | SoapSecurityException | RuntimeException e) {
            sinks.remove(localId);
            throw e;
        }
    }

    public ClientSubscription renew(ClientSubscription s, Duration expires)
            throws IOException, MalformedMessageException, SoapSecurityException {
        SoapMessage req = manageRequest(s, Eventing.RENEW);
        Xml.add(Xml.add(req.body, Eventing.WSE, "wse:Renew"), Eventing.WSE, "wse:Expires", Eventing.format(expires));
        SoapMessage r = exchange(known(s.device()), s.manager(), req).message;
        Duration granted = Eventing.parseExpires(
                Xml.childText(Xml.child(r.body, Eventing.WSE, "RenewResponse"), Eventing.WSE, "Expires"), Instant.now());
        ClientSubscription renewed = new ClientSubscription(s.localId(), s.device(), s.manager(), s.identifier(),
                s.version(), Instant.now().plus(granted));
        subscriptions.put(s.localId(), renewed);
        return renewed;
    }

    /** Asks the event source how long the subscription has left. */
    public Duration status(ClientSubscription s) throws IOException, MalformedMessageException, SoapSecurityException {
        SoapMessage req = manageRequest(s, Eventing.GET_STATUS);
        Xml.add(req.body, Eventing.WSE, "wse:GetStatus");
        SoapMessage r = exchange(known(s.device()), s.manager(), req).message;
        return Eventing.parseExpires(Xml.childText(Xml.child(r.body, Eventing.WSE, "GetStatusResponse"),
                Eventing.WSE, "Expires"), Instant.now());
    }

    public void unsubscribe(ClientSubscription s) throws IOException, MalformedMessageException,
            SoapSecurityException {
        SoapMessage req = manageRequest(s, Eventing.UNSUBSCRIBE);
        Xml.add(req.body, Eventing.WSE, "wse:Unsubscribe");
        try {
            exchange(known(s.device()), s.manager(), req);
        } finally {
            subscriptions.remove(s.localId());
            sinks.remove(s.localId());
        }
    }

    private SoapMessage manageRequest(ClientSubscription s, String action) {
        SoapMessage req = SoapMessage.create(s.version(), action, s.manager().toString(), null);
        Element id = Xml.add(req.header, Eventing.WSE, "wse:Identifier", s.identifier());
        id.setAttributeNS(s.version().wsa, "wsa:IsReferenceParameter", "true");
        return req;
    }

    /** A notification or SubscriptionEnd POSTed to one of our sinks. */
    HttpServer.Response sink(String localId, SoapMessage m, InetSocketAddress peer) {
        Consumer<SoapMessage> l = sinks.get(localId);
        ClientSubscription s = subscriptions.get(localId);
        if (l == null || s == null) {
            return null;
        }
        // From the subscription, not the device table: a device forgotten since (a Bye, the table's bound) would
        // leave no thing, and a notification checked against no thing's policy passed unchecked.
        ThingId thing = DiscoveredDevice.thingIdFor(s.device());
        try {
            Protection p = stack.security().incoming(m, thing).map(Authenticated::protection)
                    .orElse(Protection.NONE);
            devices.computeIfPresent(s.device(), (a, old) -> old.withProtection(p));
        } catch (SoapSecurityException e) {
            OptionalLong due = logs.admit("dropped notification");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.warn("DPWS: dropped a notification from {}: {} ({} more dropped since the last report)", peer,
                        e.getMessage(), held);
            }
            return new HttpServer.Response(400, SoapMessage.fault(m.version, m.messageId(), "Sender", e.faultCode(),
                    e.getMessage()).bytes());
        }
        if (Eventing.SUBSCRIPTION_END.equals(m.action())) {
            subscriptions.remove(localId);
            sinks.remove(localId);
            LOG.info("DPWS: subscription at {} ended by the device", s.manager());
        }
        try {
            l.accept(m);
        } catch (RuntimeException e) {
            LOG.warn("DPWS: event listener failed: {}", e.toString());
        }
        return new HttpServer.Response(202, new byte[0]);
    }

    boolean hasSink(String localId) {
        return sinks.containsKey(localId);
    }

    // ---- common ----

    private DiscoveredDevice known(String address) throws IOException {
        DiscoveredDevice d = devices.get(address);
        if (d == null) {
            throw new IOException("unknown device " + Xml.printable(address) + ": discover it first");
        }
        return d;
    }

    private record Exchange(SoapMessage message, Protection protection) {
    }

    private Exchange exchange(DiscoveredDevice d, URI to, SoapMessage req)
            throws IOException, MalformedMessageException, SoapSecurityException {
        stack.security().outgoing(req, d.thing());
        SoapMessage r = stack.http().post(to, d.thing(), req.bytes(), stack.security().understoodHeaders());
        if (r == null) {
            return new Exchange(null, Protection.NONE);
        }
        String fault = r.faultReason();
        Protection p;
        try {
            p = stack.security().incoming(r, d.thing()).map(Authenticated::protection).orElse(Protection.NONE);
        } catch (SoapSecurityException e) {
            if (fault != null) {
                // Security faults come unsigned (the device could not authenticate us); report, act on nothing.
                throw new IOException("device " + Xml.printable(d.address()) + " answered with an unauthenticated "
                        + "fault: " + Xml.printable(fault));
            }
            throw e;
        }
        if (fault != null) {
            throw new IOException("device " + Xml.printable(d.address()) + " answered with a fault: "
                    + Xml.printable(fault));
        }
        if (req.messageId() != null && r.relatesTo() != null && !req.messageId().equals(r.relatesTo())) {
            throw new MalformedMessageException("response relates to another request");
        }
        devices.computeIfPresent(d.address(), (a, old) -> old.withProtection(p));
        return new Exchange(r, p);
    }

    /** Forgets a device, e.g. when it stops being used. */
    public void forget(ThingId thing) {
        for (DiscoveredDevice d : List.copyOf(devices.values())) {
            if (d.thing().equals(thing) && devices.remove(d.address(), d)) {
                goneListeners.forEach(l -> l.accept(d));
            }
        }
    }
}
