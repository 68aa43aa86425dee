package org.trusthub.binding.dpws.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import javax.xml.namespace.QName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.w3c.dom.Element;

/**
 * The device-host role: each hosted hub thing is a DPWS device with one hosted service (ThingService: GetStatus,
 * and a StateChanged event). Keeps the hosted set in line with the things, announces with Hello and Bye, and serves
 * every SOAP request to a device: verifies it, asks the policy whether the caller may, and answers WS-Transfer Get
 * ({@link DeviceMetadata}), GetMetadata (WSDL), GetStatus, contributed services and WS-Eventing
 * ({@link HostedEventing}). Probes and Resolves are answered by {@link ProbeAnswers}.
 */
public final class DeviceHost {

    public static final String TH = "http://trusthub.org/ns/dpws/2026/thing";
    public static final QName THING_DEVICE_TYPE = new QName(TH, "ThingDevice");
    public static final QName THING_PORT_TYPE = new QName(TH, "ThingPortType");
    public static final String GET_STATUS = TH + "/ThingPortType/GetStatus";
    public static final String GET_STATUS_RESPONSE = TH + "/ThingPortType/GetStatusResponse";
    public static final String STATE_CHANGED = TH + "/ThingPortType/StateChanged";
    public static final String SERVICE_ID = "urn:trusthub:service:thing";
    /** WS-Discovery APP_MAX_DELAY: answers to multicast requests and Hello wait a random time up to this. */
    public static final int APP_MAX_DELAY = 500;

    private static final Logger LOG = LoggerFactory.getLogger(DeviceHost.class);
    // Anyone who can reach the endpoint can cause these: each reason once a minute.
    private final LogLimiter logs = new LogLimiter(Duration.ofMinutes(1), 1);

    /** One hosted thing; the uuid is derived from the hub name and the thing id, so it survives restarts. */
    public record Hosted(ThingId thing, UUID uuid) {
        public String address() {
            return "urn:uuid:" + uuid;
        }

        public String devicePath() {
            return "/dpws/" + uuid;
        }

        public String servicePath() {
            return "/dpws/" + uuid + "/thing";
        }
    }

    private final DpwsStack stack;
    private final ThingSource things;
    private final String hubName;
    private final long instanceId = Instant.now().getEpochSecond();
    private final AtomicLong messageNumber = new AtomicLong();
    private final Map<ThingId, Hosted> hosted = new ConcurrentHashMap<>();
    private final long metadataVersion = 1;
    private volatile HostedServices services = new HostedServices();
    // Announcements that could not be signed while the required WS-Security provider was missing: sent when it
    // returns, so a thing that became OPERATIONAL (or went) meanwhile is still announced (or withdrawn).
    private final Set<Hosted> helloPending = new java.util.LinkedHashSet<>();
    private final Set<String> byePending = new java.util.LinkedHashSet<>();
    private volatile HostLimits limits = HostLimits.defaults();
    private final HostedEventing eventing;
    private final ProbeAnswers answers;

    DeviceHost(DpwsStack stack, ThingSource things, String hubName) {
        this.stack = stack;
        this.things = things;
        this.hubName = hubName;
        this.eventing = new HostedEventing(stack, () -> limits);
        this.answers = new ProbeAnswers(this, stack, limits.discoveryRepliesPerMinute());
    }

    /** Uses the component's set of contributed services (kept across stack restarts). */
    public void services(HostedServices contributed) {
        this.services = java.util.Objects.requireNonNull(contributed, "contributed");
    }

    /** Sets what unauthenticated parties get: discovery replies per source, where events may be sent. */
    public void limits(HostLimits l) {
        this.limits = java.util.Objects.requireNonNull(l, "limits");
        answers.budget(l.discoveryRepliesPerMinute());
    }

    /** The contributed hosted services offered on a thing's device. */
    public List<org.trusthub.binding.dpws.spi.HostedService> servicesOn(ThingId thing) {
        return services.on(thing);
    }

    public Map<ThingId, Hosted> hosted() {
        return Map.copyOf(hosted);
    }

    public List<HostedEventing.Subscription> subscriptions() {
        return eventing.subscriptions();
    }

    public Hosted deviceFor(ThingId thing) {
        return hosted.get(thing);
    }

    /** Brings the hosted set in line with the thing source: Hello for new devices, Bye for gone ones. */
    public synchronized void refresh() {
        Set<ThingId> now = Set.copyOf(things.hosted());
        for (ThingId t : List.copyOf(hosted.keySet())) {
            if (!now.contains(t)) {
                withdraw(hosted.remove(t), "the thing is no longer hosted");
            }
        }
        for (ThingId t : now) {
            if (!hosted.containsKey(t)) {
                Hosted h = new Hosted(t, UUID.nameUUIDFromBytes(
                        ("trusthub-dpws/" + hubName + "/" + t.value()).getBytes(StandardCharsets.UTF_8)));
                hosted.put(t, h);
                announce(h);
            }
        }
    }

    public synchronized void stop() {
        for (Hosted h : List.copyOf(hosted.values())) {
            withdraw(h, "the hub is shutting down");
        }
        hosted.clear();
        helloPending.clear();
        byePending.clear();
    }

    /** Sends the Hellos and Byes held back while the WS-Security provider or the policy was missing. */
    public synchronized void securityReturned() {
        if (!stack.security().available()) {
            return;
        }
        for (String address : List.copyOf(byePending)) {
            sendBye(address);
        }
        byePending.clear();
        for (Hosted h : List.copyOf(helloPending)) {
            if (hosted.get(h.thing()) == h) {
                announce(h);
            }
        }
        helloPending.clear();
    }

    private void announce(Hosted h) {
        if (stack.security().missing(h.thing())) {
            helloPending.add(h);
            byePending.remove(h.address());
            LOG.info("DPWS: {} is hosted as device {}; its Hello waits for the WS-Security provider", h.thing(),
                    h.address());
            return;
        }
        for (DpwsVersion v : DpwsVersion.values()) {
            List<String> xaddrs = new ArrayList<>();
            for (InetAddress a : stack.localAddresses()) {
                xaddrs.add(url(a, h.devicePath()));
            }
            SoapMessage hello = DiscoveryMessage.hello(v, endpoint(v, h, xaddrs), nextSequence());
            stack.sendDiscovery(hello, null, ThreadLocalRandom.current().nextInt(APP_MAX_DELAY));
        }
        LOG.info("DPWS: hosting {} as device {}", h.thing(), h.address());
    }

    private void withdraw(Hosted h, String reason) {
        eventing.endAll(h, reason);
        // A device whose Hello never went out has nothing to withdraw.
        boolean announced = !helloPending.remove(h);
        if (announced && stack.security().missing(h.thing())) {
            byePending.add(h.address());
        } else if (announced) {
            sendBye(h.address());
        }
        LOG.info("DPWS: {} no longer hosted ({})", h.thing(), reason);
    }

    private void sendBye(String address) {
        for (DpwsVersion v : DpwsVersion.values()) {
            stack.sendDiscovery(DiscoveryMessage.bye(v, address, nextSequence()), null, 0);
        }
    }

    AppSequence nextSequence() {
        return new AppSequence(instanceId, "", messageNumber.incrementAndGet());
    }

    DiscoveryMessage.Endpoint endpoint(DpwsVersion v, Hosted h, List<String> xaddrs) {
        return new DiscoveryMessage.Endpoint(h.address(), List.of(new QName(v.dpws, "Device"), THING_DEVICE_TYPE),
                List.of(), xaddrs, metadataVersion);
    }

    String url(InetAddress a, String path) {
        String host = a instanceof Inet6Address ? "[" + compact(a.getHostAddress().replaceAll("%.*", "")) + "]"
                : a.getHostAddress();
        return (stack.https() ? "https://" : "http://") + host + ":" + stack.httpPort() + path;
    }

    /** RFC 5952 text of an IPv6 address (Java writes every zero group): the longest run of zero groups as "::". */
    static String compact(String full) {
        String[] groups = full.split(":");
        if (groups.length != 8) {
            return full;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j].replaceFirst("^0+", "").isEmpty()) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            String g = groups[i].replaceFirst("^0+(?=.)", "");
            b.append(g.toLowerCase(java.util.Locale.ROOT));
        }
        return b.toString();
    }

    // ---- discovery ----

    void onProbe(DiscoveryMessage probe, InetSocketAddress from, boolean multicast) {
        answers.onProbe(probe, from, multicast);
    }

    void onResolve(DiscoveryMessage resolve, InetSocketAddress from, boolean multicast) {
        answers.onResolve(resolve, from, multicast);
    }


    // ---- HTTP ----

    /** Handles a SOAP request to a device or service path; null when the path is not one of this host's. */
    HttpServer.Response http(String path, SoapMessage m, InetSocketAddress peer) {
        for (Hosted h : hosted.values()) {
            if (path.equals(h.devicePath()) || path.equals(h.servicePath())) {
                return exchange(h, path.equals(h.devicePath()), null, m, peer);
            }
            if (path.startsWith(h.devicePath() + "/")) {
                java.util.Optional<org.trusthub.binding.dpws.spi.HostedService> s = services.find(
                        path.substring(h.devicePath().length() + 1), h.thing());
                if (s.isPresent()) {
                    return exchange(h, false, s.get(), m, peer);
                }
            }
        }
        return null;
    }

    private HttpServer.Response exchange(Hosted h, boolean device, org.trusthub.binding.dpws.spi.HostedService
            contributed, SoapMessage m, InetSocketAddress peer) {
        DpwsVersion v = m.version;
        Optional<Authenticated> caller;
        // A self-protecting contributed service (a token service) also serves callers without WS-Security.
        boolean bare = contributed != null && contributed.authenticatesItself() && !hasSecurityHeader(m);
        try {
            caller = bare ? Optional.empty() : stack.security().incomingRequest(m, h.thing());
        } catch (MessageSecurity.Unavailable e) {
            OptionalLong due = logs.admit("unavailable");
            if (due.isPresent()) {
                LOG.warn("DPWS: refused a {} for {} from {}: {} ({} more refused since the last report)",
                        Xml.printable(m.action()), h.thing(), peer, e.getMessage(), due.getAsLong());
            }
            // 503: nothing is wrong with the request; it is refused until the provider or the policy is back.
            return new HttpServer.Response(503, SoapMessage.fault(v, m.messageId(), "Receiver", null,
                    "message security is unavailable; try again later").bytes());
        } catch (SoapSecurityException e) {
            OptionalLong due = logs.admit("refused");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.warn("DPWS: refused a {} for {} from {}: {} ({} more refused since the last report)",
                        Xml.printable(m.action()), h.thing(), peer, e.getMessage(), held);
            }
            // Unsecured: the sender is not authenticated, so there is nobody to sign or encrypt the fault for.
            return new HttpServer.Response(400, SoapMessage.fault(v, m.messageId(), "Sender", e.faultCode(),
                    e.getMessage()).bytes());
        }
        // The answer goes to whoever signed the request, under that thing's policy and to its certificate.
        Optional<ThingId> sender = caller.map(Authenticated::thing);
        ThingId replyTo = sender.orElse(h.thing());
        Optional<String> denied = authorize(sender, h, device, contributed, m);
        if (denied.isPresent()) {
            OptionalLong due = logs.admit("not authorized");
            if (due.isPresent()) {
                LOG.info("DPWS: refused a {} for {} from {}: {} ({} more refused since the last report)",
                        Xml.printable(m.action()), h.thing(), peer, denied.get(), due.getAsLong());
            }
            return reply(replyTo, SoapMessage.fault(v, m.messageId(), "Sender", null, denied.get()), 400);
        }
        SoapMessage response;
        try {
            String base = stack.currentRequestBase();
            response = device ? DeviceMetadata.get(h, m, base, services.on(h.thing())) : contributed != null
                    ? ContributedCall.call(contributed, h, m, caller, base)
                    : serviceRequest(h, m, new HostedEventing.Subscriber(caller, peer.getAddress()));
        } catch (ContributedCall.Refused e) {
            OptionalLong due = logs.admit("contributed refused");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.info("DPWS: {} refused a {} for {} from {}: {} ({} more refused since the last report)",
                        contributed.name(), Xml.printable(m.action()), h.thing(), peer, e.getMessage(), held);
            }
            return bare ? plainReply(e.fault(v, m.messageId()), 400) : reply(replyTo, e.fault(v, m.messageId()), 400);
        } catch (MalformedMessageException e) {
            OptionalLong due = logs.admit("bad request");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.info("DPWS: bad {} for {} from {}: {} ({} more since the last report)", Xml.printable(m.action()),
                        h.thing(), peer, e.getMessage(), held);
            }
            SoapMessage fault = SoapMessage.fault(v, m.messageId(), "Sender",
                    e instanceof Eventing.Refused r ? r.subcode() : null, e.getMessage());
            return bare ? plainReply(fault, 400) : reply(replyTo, fault, 400);
        }
        if (bare) {
            return plainReply(response, 200);
        }
        return reply(replyTo, response, 200);
    }

    /** The property of the hosted thing a caller reads with its device's metadata (WS-Transfer Get, GetMetadata). */
    public static final String METADATA_PROPERTY = "dpws-metadata";
    /** The property a caller reads with GetStatus and the StateChanged events it subscribes to. */
    public static final String STATE_PROPERTY = "dpws-state";

    /**
     * Whether the security policy lets a caller do what the request asks of a hosted thing: reading
     * {@value #METADATA_PROPERTY} (Get, GetMetadata), reading {@value #STATE_PROPERTY} (GetStatus, event
     * subscriptions), writing a contributed service's name (invoking it). A thing may always read itself; every write
     * is the policy's, a thing's own included, and an unauthenticated caller may write nothing. A request that names
     * no thing reads only what the policy grants unauthenticated callers explicitly (a {@code read -} rule), and only
     * where the inbound protection the policy requires of the hosted thing is none (verification refused it
     * otherwise); a service that authenticates itself decides for itself.
     *
     * @return why not, or empty when allowed
     */
    private Optional<String> authorize(Optional<ThingId> caller, Hosted h, boolean device,
            org.trusthub.binding.dpws.spi.HostedService contributed, SoapMessage m) {
        String action = m.action();
        boolean allowed;
        String what;
        if (device || DpwsVersion.MEX_GET_METADATA.equals(action)
                || contributed == null && DpwsVersion.WST_GET.equals(action)) {
            what = "read " + METADATA_PROPERTY;
            allowed = stack.security().mayRead(caller, h.thing(), METADATA_PROPERTY);
        } else if (contributed != null) {
            if (contributed.authenticatesItself()) {
                return Optional.empty();
            }
            what = "write " + contributed.name();
            allowed = stack.security().mayWrite(caller, h.thing(), contributed.name());
        } else {
            what = "read " + STATE_PROPERTY;
            allowed = stack.security().mayRead(caller, h.thing(), STATE_PROPERTY);
        }
        return allowed ? Optional.empty() : Optional.of(caller.map(ThingId::value).orElse("an unauthenticated caller")
                + " may not " + what + " of " + h.thing() + " (security policy)");
    }

    private static boolean hasSecurityHeader(SoapMessage m) {
        return m.header != null && !Xml.children(m.header, DpwsVersion.WSSE, "Security").isEmpty();
    }

    private static HttpServer.Response plainReply(SoapMessage response, int status) {
        byte[] bytes = response.bytes();
        if (bytes.length > Xml.MAX_HTTP) {
            SoapMessage f = SoapMessage.fault(response.version, response.relatesTo(), "Receiver", null,
                    "the reply would exceed the DPWS limit of " + Xml.MAX_HTTP + " bytes");
            return new HttpServer.Response(500, f.bytes());
        }
        return new HttpServer.Response(status, bytes);
    }

    private HttpServer.Response reply(ThingId to, SoapMessage response, int status) {
        try {
            stack.security().outgoing(response, to);
        } catch (SoapSecurityException e) {
            LOG.warn("DPWS: cannot secure the reply for {}: {}", to, e.getMessage());
            SoapMessage f = SoapMessage.fault(response.version, response.relatesTo(), "Receiver", e.faultCode(),
                    "the reply could not be secured");
            return new HttpServer.Response(500, f.bytes());
        }
        byte[] bytes = response.bytes();
        if (bytes.length > Xml.MAX_HTTP) {
            SoapMessage f = SoapMessage.fault(response.version, response.relatesTo(), "Receiver", null,
                    "the reply would exceed the DPWS limit of " + Xml.MAX_HTTP + " bytes");
            return new HttpServer.Response(500, f.bytes());
        }
        return new HttpServer.Response(status, bytes);
    }


    private SoapMessage serviceRequest(Hosted h, SoapMessage m, HostedEventing.Subscriber from)
            throws MalformedMessageException {
        DpwsVersion v = m.version;
        String action = m.action();
        if (DpwsVersion.MEX_GET_METADATA.equals(action) || DpwsVersion.WST_GET.equals(action)) {
            // DPWS 1.1 clients ask GetMetadata; DPWS 2006 clients send WS-Transfer Get to the service endpoint.
            boolean get = DpwsVersion.WST_GET.equals(action);
            SoapMessage r = SoapMessage.create(v, get ? DpwsVersion.WST_GET_RESPONSE
                    : DpwsVersion.MEX_GET_METADATA_RESPONSE, v.anonymous, m.messageId());
            DeviceMetadata.service(r.body, v, h, stack.currentRequestBase());
            return r;
        }
        if (GET_STATUS.equals(action)) {
            SoapMessage r = SoapMessage.create(v, GET_STATUS_RESPONSE, v.anonymous, m.messageId());
            Element st = Xml.add(r.body, TH, "th:Status");
            Xml.add(st, TH, "th:Thing", h.thing().value());
            Xml.add(st, TH, "th:State", things.state(h.thing()).orElse("UNKNOWN"));
            return r;
        }
        if (Eventing.SUBSCRIBE.equals(action)) {
            return eventing.subscribe(h, m, from);
        }
        if (Eventing.RENEW.equals(action) || Eventing.GET_STATUS.equals(action)
                || Eventing.UNSUBSCRIBE.equals(action)) {
            return eventing.manage(h, m, from);
        }
        throw new MalformedMessageException("no operation with action " + Xml.printable(action));
    }

    // ---- events ----

    /**
     * Sends a StateChanged notification to every live subscriber of the thing's device.
     *
     * @return the deliveries under way, each completing with whether the sink took it
     */
    public List<CompletableFuture<Boolean>> stateChanged(ThingId thing, String state) {
        Hosted h = hosted.get(thing);
        return h == null ? new ArrayList<>() : eventing.stateChanged(h, state);
    }

    /**
     * Ends what a thing holds here: the event subscriptions it signed (their sinks get a SubscriptionEnd), and its
     * device when it is no longer hosted (Bye). Safe for a thing the host never saw.
     */
    public void release(ThingId thing) {
        eventing.release(thing);
        refresh();
    }

    /** Drops expired subscriptions; called from time to time. */
    public void expire() {
        eventing.expire();
    }
}
