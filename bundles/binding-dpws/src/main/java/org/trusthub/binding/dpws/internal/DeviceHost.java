package org.trusthub.binding.dpws.internal;

import static org.trusthub.binding.dpws.internal.DpwsVersion.MEX;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.xml.namespace.QName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.trusthub.binding.dpws.spi.VerifiedRequest;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The device-host role: each hosted hub thing is a DPWS device with one hosted service (ThingService: GetStatus,
 * and a StateChanged event). Answers Probe and Resolve, announces with Hello and Bye, serves WS-Transfer Get
 * (device metadata), WS-MetadataExchange GetMetadata (WSDL), the GetStatus operation and WS-Eventing.
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
    private static final int MAX_SUBSCRIPTIONS = 256;
    // Anyone who can reach the endpoint (or send or spoof a Probe) can cause these: each reason once a minute.
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

    /**
     * A granted event subscription.
     *
     * @param subscriber who may manage it: the thing that signed the Subscribe, or else the address it came from
     */
    public record Subscription(String id, Hosted device, DpwsVersion version, URI notifyTo,
            List<Element> referenceParameters, URI endTo, Set<String> actions, Instant expires,
            Subscriber subscriber) {
    }

    /** The party that made a subscription: an authenticated thing, or (unauthenticated) a source address. */
    public record Subscriber(java.util.Optional<ThingId> thing, InetAddress address) {
        static Subscriber of(VerifiedRequest verified, InetSocketAddress peer) {
            return new Subscriber(verified.sender(), peer.getAddress());
        }

        /** Whether a later request comes from the same party: the same signer, or the same address when unsigned. */
        boolean matches(Subscriber other) {
            if (thing.isPresent()) {
                return thing.equals(other.thing);
            }
            return other.thing.isEmpty() && java.util.Arrays.equals(address.getAddress(), other.address.getAddress())
                    && scope(address) == scope(other.address);
        }

        // The same link-local address on another link is another host.
        private static int scope(InetAddress a) {
            return a instanceof Inet6Address a6 && a6.isLinkLocalAddress() ? a6.getScopeId() : 0;
        }

        @Override
        public String toString() {
            return thing.map(ThingId::value).orElse(address.getHostAddress());
        }
    }

    private final DpwsStack stack;
    private final ThingSource things;
    private final String hubName;
    private final long instanceId = Instant.now().getEpochSecond();
    private final AtomicLong messageNumber = new AtomicLong();
    private final Map<ThingId, Hosted> hosted = new ConcurrentHashMap<>();
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final long metadataVersion = 1;
    private volatile HostedServices services = new HostedServices();
    // Announcements that could not be signed while the required WS-Security provider was missing: sent when it
    // returns, so a thing that became OPERATIONAL (or went) meanwhile is still announced (or withdrawn).
    private final Set<Hosted> helloPending = new java.util.LinkedHashSet<>();
    private final Set<String> byePending = new java.util.LinkedHashSet<>();
    private volatile HostLimits limits = HostLimits.defaults();
    private volatile SourceBudget replyBudget = new SourceBudget(limits.discoveryRepliesPerMinute());

    DeviceHost(DpwsStack stack, ThingSource things, String hubName) {
        this.stack = stack;
        this.things = things;
        this.hubName = hubName;
    }

    /** Uses the component's set of contributed services (kept across stack restarts). */
    public void services(HostedServices contributed) {
        this.services = java.util.Objects.requireNonNull(contributed, "contributed");
    }

    /** Sets what unauthenticated parties get: discovery replies per source, where events may be sent. */
    public void limits(HostLimits l) {
        this.limits = java.util.Objects.requireNonNull(l, "limits");
        this.replyBudget = new SourceBudget(l.discoveryRepliesPerMinute());
    }

    /** The contributed hosted services offered on a thing's device. */
    public List<org.trusthub.binding.dpws.spi.HostedService> servicesOn(ThingId thing) {
        return services.on(thing);
    }

    public Map<ThingId, Hosted> hosted() {
        return Map.copyOf(hosted);
    }

    public List<Subscription> subscriptions() {
        return List.copyOf(subscriptions.values());
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
        for (Subscription s : List.copyOf(subscriptions.values())) {
            if (s.device().equals(h)) {
                subscriptions.remove(s.id());
                end(s, "wse:SourceShuttingDown", reason);
            }
        }
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

    private AppSequence nextSequence() {
        return new AppSequence(instanceId, "", messageNumber.incrementAndGet());
    }

    private DiscoveryMessage.Endpoint endpoint(DpwsVersion v, Hosted h, List<String> xaddrs) {
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

    /**
     * Answers a Probe with one ProbeMatches per matching hosted thing: each fits a datagram however many things are
     * hosted, and each signed one speaks for one device (a signature binds the device it announces). The source
     * address pays for every reply from its budget; over budget it gets none. The replies are built, signed and
     * sent by {@link DiscoveryReplies}, never on the thread that read the Probe.
     */
    void onProbe(DiscoveryMessage probe, InetSocketAddress from, boolean multicast) {
        if (!answerable(probe, from)) {
            return;
        }
        DpwsVersion v = probe.soap.version;
        InetAddress local = stack.localAddressFor(from.getAddress());
        List<DiscoveryMessage.Endpoint> matches = new ArrayList<>();
        for (Hosted h : hosted.values()) {
            DiscoveryMessage.Endpoint e = endpoint(v, h, local == null ? List.of() : List.of(url(local,
                    h.devicePath())));
            if (matches(probe, e)) {
                matches.add(e);
            }
        }
        if (matches.isEmpty() || !withinBudget(from, matches.size(), "Probe")) {
            return;
        }
        // The queued replies keep the MessageID they answer, not the parsed Probe.
        String relatesTo = probe.soap.messageId();
        List<Supplier<SoapMessage>> answer = new ArrayList<>();
        for (DiscoveryMessage.Endpoint e : matches) {
            answer.add(() -> DiscoveryMessage.probeMatches(v, relatesTo, List.of(e), nextSequence()));
        }
        queue(answer, from, multicast, "Probe");
    }

    /**
     * The longest MessageID a Probe or Resolve may carry. Every reply repeats it as RelatesTo and must still fit a
     * datagram: a longer one would cost a signature per reply for replies that are never sent.
     */
    static final int MAX_REQUEST_ID = 256;

    private boolean answerable(DiscoveryMessage request, InetSocketAddress from) {
        String id = request.soap.messageId();
        if (id == null || id.length() <= MAX_REQUEST_ID) {
            return true;
        }
        OptionalLong due = logs.admit("long id");
        if (due.isPresent()) {
            long held = due.getAsLong();
            LOG.warn("DPWS: not answering a {} from {}: its MessageID is {} characters long, more than {}; {} more "
                    + "refused since the last report", request.kind.element, from.getAddress().getHostAddress(),
                    id.length(), MAX_REQUEST_ID, held);
        }
        return false;
    }

    private void queue(List<Supplier<SoapMessage>> answer, InetSocketAddress from, boolean multicast, String what) {
        long delay = multicast ? ThreadLocalRandom.current().nextInt(APP_MAX_DELAY) : 0;
        if (!stack.reply(answer, from, delay)) {
            OptionalLong due = logs.admit("busy");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.warn("DPWS: not answering a {} from {}: {} discovery replies already wait to be sent; {} more "
                        + "refused since the last report", what, from.getAddress().getHostAddress(),
                        DiscoveryReplies.MAX_PENDING, held);
            }
        }
    }

    private boolean withinBudget(InetSocketAddress from, int replies, String what) {
        if (replyBudget.charge(from.getAddress(), replies)) {
            return true;
        }
        OptionalLong due = logs.admit("over budget");
        if (due.isPresent()) {
            long held = due.getAsLong();
            LOG.warn("DPWS: not answering a {} from {}: the source is over its budget of {} discovery replies a "
                    + "minute (discoveryRepliesPerMinute); {} more refused since the last report", what,
                    from.getAddress().getHostAddress(), limits.discoveryRepliesPerMinute(), held);
        }
        return false;
    }

    void onResolve(DiscoveryMessage resolve, InetSocketAddress from, boolean multicast) {
        if (!answerable(resolve, from)) {
            return;
        }
        DpwsVersion v = resolve.soap.version;
        String wanted = resolve.endpoints.get(0).address();
        InetAddress local = stack.localAddressFor(from.getAddress());
        for (Hosted h : hosted.values()) {
            if (h.address().equalsIgnoreCase(wanted) && local != null && withinBudget(from, 1, "Resolve")) {
                DiscoveryMessage.Endpoint e = endpoint(v, h, List.of(url(local, h.devicePath())));
                String relatesTo = resolve.soap.messageId();
                queue(List.of(() -> DiscoveryMessage.resolveMatches(v, relatesTo, e, nextSequence())), from,
                        multicast, "Resolve");
            }
        }
    }

    /** WS-Discovery type matching: every probed type is one of the device's; scopes by RFC 3986 prefix. */
    static boolean matches(DiscoveryMessage probe, DiscoveryMessage.Endpoint e) {
        if (!e.types().containsAll(probe.probeTypes)) {
            return false;
        }
        if (probe.probeScopes.isEmpty()) {
            return true;
        }
        String rule = probe.matchBy == null ? "" : probe.matchBy;
        if (!rule.isEmpty() && !rule.endsWith("/rfc3986") && !rule.endsWith("/strcmp0")) {
            return false;
        }
        boolean exact = rule.endsWith("/strcmp0");
        for (String wanted : probe.probeScopes) {
            boolean found = false;
            for (String have : e.scopes()) {
                if (exact ? have.equals(wanted) : have.equals(wanted) || have.startsWith(
                        wanted.endsWith("/") ? wanted : wanted + "/")) {
                    found = true;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
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
        VerifiedRequest verified;
        // A self-protecting contributed service (a token service) also serves callers without WS-Security.
        boolean bare = contributed != null && contributed.authenticatesItself() && !hasSecurityHeader(m);
        try {
            verified = bare ? VerifiedRequest.ANONYMOUS : stack.security().incomingRequest(m, h.thing());
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
        ThingId replyTo = verified.sender().orElse(h.thing());
        Optional<String> denied = authorize(verified.sender(), h, device, contributed, m);
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
            response = device ? deviceRequest(h, m) : contributed != null
                    ? ContributedCall.call(contributed, h, m, verified, stack.currentRequestBase())
                    : serviceRequest(h, m, Subscriber.of(verified, peer));
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
     * is the policy's, a thing's own included, and an unauthenticated caller may write nothing. Reads by an
     * unauthenticated caller are bounded by the inbound protection the policy requires (none lets them through); a
     * service that authenticates itself decides for itself.
     *
     * @return why not, or empty when allowed
     */
    private Optional<String> authorize(Optional<ThingId> caller, Hosted h, boolean device,
            org.trusthub.binding.dpws.spi.HostedService contributed, SoapMessage m) {
        String action = m.action();
        boolean allowed;
        String what;
        if (device || DpwsVersion.MEX_GET_METADATA.equals(action)) {
            what = "read " + METADATA_PROPERTY;
            allowed = caller.isEmpty() || stack.security().mayRead(caller.get(), h.thing(), METADATA_PROPERTY);
        } else if (contributed != null) {
            if (contributed.authenticatesItself()) {
                return Optional.empty();
            }
            what = "write " + contributed.name();
            allowed = stack.security().mayWrite(caller, h.thing(), contributed.name());
        } else {
            what = "read " + STATE_PROPERTY;
            allowed = caller.isEmpty() || stack.security().mayRead(caller.get(), h.thing(), STATE_PROPERTY);
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

    private SoapMessage deviceRequest(Hosted h, SoapMessage m) throws MalformedMessageException {
        DpwsVersion v = m.version;
        if (!DpwsVersion.WST_GET.equals(m.action())) {
            throw new MalformedMessageException("the device endpoint answers WS-Transfer Get only, not "
                    + Xml.printable(m.action()));
        }
        SoapMessage r = SoapMessage.create(v, DpwsVersion.WST_GET_RESPONSE, v.anonymous, m.messageId());
        String p = SoapMessage.dpwsPrefix(v);
        Element md = Xml.add(r.body, MEX, "mex:Metadata");
        Element s = section(md, v.dpws + "/ThisModel");
        Element model = Xml.add(s, v.dpws, p + ":ThisModel");
        Xml.add(model, v.dpws, p + ":Manufacturer", "trusthub");
        Xml.add(model, v.dpws, p + ":ModelName", "trusthub hosted thing");
        s = section(md, v.dpws + "/ThisDevice");
        Element dev = Xml.add(s, v.dpws, p + ":ThisDevice");
        Xml.add(dev, v.dpws, p + ":FriendlyName", h.thing().value());
        Xml.add(dev, v.dpws, p + ":FirmwareVersion", "1.0");
        Xml.add(dev, v.dpws, p + ":SerialNumber", h.thing().value());
        s = section(md, v.dpws + "/Relationship");
        Element rel = Xml.add(s, v.dpws, p + ":Relationship");
        rel.setAttribute("Type", v.dpws + "/host");
        Element host = Xml.add(rel, v.dpws, p + ":Host");
        Element hostEpr = Xml.add(host, v.wsa, "wsa:EndpointReference");
        Xml.add(hostEpr, v.wsa, "wsa:Address", h.address());
        Xml.add(host, v.dpws, p + ":Types", p + ":Device");
        Element svc = Xml.add(rel, v.dpws, p + ":Hosted");
        Element epr = Xml.add(svc, v.wsa, "wsa:EndpointReference");
        String serviceUrl = serviceUrlFor(h, m);
        Xml.add(epr, v.wsa, "wsa:Address", serviceUrl);
        Element types = Xml.add(svc, v.dpws, p + ":Types", "th:" + THING_PORT_TYPE.getLocalPart());
        types.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:th", TH);
        Xml.add(svc, v.dpws, p + ":ServiceId", SERVICE_ID);
        for (org.trusthub.binding.dpws.spi.HostedService c : services.on(h.thing())) {
            Element cs = Xml.add(rel, v.dpws, p + ":Hosted");
            Element cepr = Xml.add(cs, v.wsa, "wsa:EndpointReference");
            Xml.add(cepr, v.wsa, "wsa:Address", stack.currentRequestBase() + h.devicePath() + "/" + c.name());
            Element ct = Xml.add(cs, v.dpws, p + ":Types", "cs:" + c.serviceType().getLocalPart());
            ct.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:cs", c.serviceType().getNamespaceURI());
            Xml.add(cs, v.dpws, p + ":ServiceId", org.trusthub.binding.dpws.spi.HostedService.SERVICE_ID_PREFIX
                    + c.name());
        }
        return r;
    }

    // The hosted service's address uses the host and port the client reached the device at.
    private String serviceUrlFor(Hosted h, SoapMessage m) {
        return stack.currentRequestBase() + h.servicePath();
    }

    private static Element section(Element metadata, String dialect) {
        Element s = Xml.add(metadata, MEX, "mex:MetadataSection");
        s.setAttribute("Dialect", dialect);
        return s;
    }

    private SoapMessage serviceRequest(Hosted h, SoapMessage m, Subscriber from) throws MalformedMessageException {
        DpwsVersion v = m.version;
        String action = m.action();
        if (DpwsVersion.MEX_GET_METADATA.equals(action)) {
            SoapMessage r = SoapMessage.create(v, DpwsVersion.MEX_GET_METADATA_RESPONSE, v.anonymous,
                    m.messageId());
            Element md = Xml.add(r.body, MEX, "mex:Metadata");
            Element s = section(md, DpwsVersion.WSDL);
            s.setAttribute("Identifier", TH);
            Wsdl.thingService(s, stack.currentRequestBase() + h.servicePath());
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
            return subscribe(h, m, from);
        }
        if (Eventing.RENEW.equals(action) || Eventing.GET_STATUS.equals(action)
                || Eventing.UNSUBSCRIBE.equals(action)) {
            return manage(h, m, from);
        }
        throw new MalformedMessageException("no operation with action " + Xml.printable(action));
    }

    private SoapMessage subscribe(Hosted h, SoapMessage m, Subscriber from) throws MalformedMessageException {
        DpwsVersion v = m.version;
        Element sub = Xml.child(m.body, Eventing.WSE, "Subscribe");
        if (sub == null) {
            throw new MalformedMessageException("Subscribe action without wse:Subscribe");
        }
        Element delivery = Xml.child(sub, Eventing.WSE, "Delivery");
        if (delivery == null) {
            throw new MalformedMessageException("wse:Subscribe without wse:Delivery");
        }
        String mode = delivery.hasAttribute("Mode") ? delivery.getAttribute("Mode") : Eventing.PUSH;
        if (!Eventing.PUSH.equals(mode)) {
            throw new MalformedMessageException("delivery mode " + Xml.printable(mode) + " is not supported");
        }
        Element notifyTo = Xml.child(delivery, Eventing.WSE, "NotifyTo");
        URI notify = httpAddress(notifyTo == null ? null : Xml.childText(notifyTo, v.wsa, "Address"), "NotifyTo");
        Element endToEpr = Xml.child(sub, Eventing.WSE, "EndTo");
        URI endTo = endToEpr == null ? null : httpAddress(Xml.childText(endToEpr, v.wsa, "Address"), "EndTo");
        // The host posts wherever these point: only back to the subscriber, unless the operator allowed more.
        for (URI sink : endTo == null ? List.of(notify) : List.of(notify, endTo)) {
            if (!limits.sinkAllowed(sink, from.address())) {
                throw new Eventing.Refused("wse:EventSourceUnableToProcess", (sink == notify ? "NotifyTo" : "EndTo")
                        + " names host " + Xml.printable(sink.getHost()) + ", not the subscriber's own address "
                        + from.address().getHostAddress() + " (other hosts need the eventSinks setting)");
            }
        }
        Set<String> actions = Set.of(STATE_CHANGED);
        Element filter = Xml.child(sub, Eventing.WSE, "Filter");
        if (filter != null) {
            String dialect = filter.getAttribute("Dialect");
            if (!dialect.equals(v.dpws + "/Action")) {
                throw new MalformedMessageException("filter dialect " + Xml.printable(dialect) + " not supported");
            }
            actions = Set.copyOf(DiscoveryMessage.words(Xml.text(filter)));
            if (actions.stream().noneMatch(a -> STATE_CHANGED.startsWith(a))) {
                throw new MalformedMessageException("the filter matches no event of this service");
            }
        }
        Instant now = Instant.now();
        Duration d = Eventing.parseExpires(Xml.childText(sub, Eventing.WSE, "Expires"), now);
        if (subscriptions.size() >= MAX_SUBSCRIPTIONS) {
            throw new MalformedMessageException("too many subscriptions on this host");
        }
        List<Element> refs = new ArrayList<>();
        Element rp = notifyTo == null ? null : Xml.child(notifyTo, v.wsa, "ReferenceParameters");
        for (Element e : Xml.children(rp, null, null)) {
            refs.add(e);
        }
        String id = "urn:uuid:" + UUID.randomUUID();
        subscriptions.put(id, new Subscription(id, h, v, notify, List.copyOf(refs), endTo, actions, now.plus(d),
                from));
        LOG.info("DPWS: {} subscribed {} to {} events of {} for {}", from, notify, actions.size(), h.thing(),
                Eventing.format(d));
        SoapMessage r = SoapMessage.create(v, Eventing.SUBSCRIBE_RESPONSE, v.anonymous, m.messageId());
        declareWse(r);
        Element resp = Xml.add(r.body, Eventing.WSE, "wse:SubscribeResponse");
        writeManager(resp, v, h, id);
        Xml.add(resp, Eventing.WSE, "wse:Expires", Eventing.format(d));
        return r;
    }

    private void writeManager(Element parent, DpwsVersion v, Hosted h, String id) {
        Element mgr = Xml.add(parent, Eventing.WSE, "wse:SubscriptionManager");
        Xml.add(mgr, v.wsa, "wsa:Address", stack.currentRequestBase() + h.servicePath());
        Element rp = Xml.add(mgr, v.wsa, "wsa:ReferenceParameters");
        Xml.add(rp, Eventing.WSE, "wse:Identifier", id);
    }

    private static void declareWse(SoapMessage r) {
        r.doc.getDocumentElement().setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wse", Eventing.WSE);
    }

    private SoapMessage manage(Hosted h, SoapMessage m, Subscriber from) throws MalformedMessageException {
        DpwsVersion v = m.version;
        String id = Xml.childText(m.header, Eventing.WSE, "Identifier");
        Subscription s = id == null ? null : subscriptions.get(id);
        if (s == null || !s.device().equals(h) || s.expires().isBefore(Instant.now())) {
            throw new MalformedMessageException("unknown or expired subscription");
        }
        if (!s.subscriber().matches(from)) {
            throw new Eventing.Refused("wse:InvalidMessage", "only the subscriber (" + (s.subscriber().thing()
                    .isPresent() ? "the thing that signed the Subscribe" : "the address the Subscribe came from")
                    + ") may renew, query or end this subscription");
        }
        String action = m.action();
        if (Eventing.UNSUBSCRIBE.equals(action)) {
            subscriptions.remove(id);
            LOG.info("DPWS: {} unsubscribed from {}", s.notifyTo(), h.thing());
            SoapMessage r = SoapMessage.create(v, Eventing.UNSUBSCRIBE_RESPONSE, v.anonymous, m.messageId());
            return r;
        }
        if (Eventing.RENEW.equals(action)) {
            Element renew = Xml.child(m.body, Eventing.WSE, "Renew");
            Instant now = Instant.now();
            Duration d = Eventing.parseExpires(Xml.childText(renew, Eventing.WSE, "Expires"), now);
            subscriptions.put(id, new Subscription(id, h, s.version(), s.notifyTo(), s.referenceParameters(),
                    s.endTo(), s.actions(), now.plus(d), s.subscriber()));
            SoapMessage r = SoapMessage.create(v, Eventing.RENEW_RESPONSE, v.anonymous, m.messageId());
            declareWse(r);
            Xml.add(Xml.add(r.body, Eventing.WSE, "wse:RenewResponse"), Eventing.WSE, "wse:Expires",
                    Eventing.format(d));
            return r;
        }
        SoapMessage r = SoapMessage.create(v, Eventing.GET_STATUS_RESPONSE, v.anonymous, m.messageId());
        declareWse(r);
        Xml.add(Xml.add(r.body, Eventing.WSE, "wse:GetStatusResponse"), Eventing.WSE, "wse:Expires",
                Eventing.format(Duration.between(Instant.now(), s.expires())));
        return r;
    }

    private static URI httpAddress(String text, String what) throws MalformedMessageException {
        if (text == null) {
            throw new MalformedMessageException("wse:" + what + " without an address");
        }
        try {
            URI u = new URI(text);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new MalformedMessageException(what + " is not an HTTP address: " + Xml.printable(text));
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new MalformedMessageException(what + " is not a URI: " + Xml.printable(text));
        }
    }

    // ---- events ----

    /**
     * Sends a StateChanged notification to every live subscriber of the thing's device.
     *
     * @return the deliveries under way, each completing with whether the sink took it
     */
    public List<java.util.concurrent.CompletableFuture<Boolean>> stateChanged(ThingId thing, String state) {
        List<java.util.concurrent.CompletableFuture<Boolean>> deliveries = new ArrayList<>();
        Hosted h = hosted.get(thing);
        if (h == null) {
            return deliveries;
        }
        Instant now = Instant.now();
        for (Subscription s : List.copyOf(subscriptions.values())) {
            if (!s.device().equals(h)) {
                continue;
            }
            if (s.expires().isBefore(now)) {
                subscriptions.remove(s.id());
                continue;
            }
            if (s.actions().stream().noneMatch(STATE_CHANGED::startsWith)) {
                continue;
            }
            SoapMessage n = SoapMessage.create(s.version(), STATE_CHANGED, s.notifyTo().toString(), null);
            for (Element ref : s.referenceParameters()) {
                Node copy = n.doc.importNode(ref, true);
                n.header.appendChild(copy);
            }
            Element st = Xml.add(n.body, TH, "th:StateChanged");
            Xml.add(st, TH, "th:Thing", thing.value());
            Xml.add(st, TH, "th:State", state);
            deliveries.add(stack.deliver(n, s.notifyTo(), h.thing(), s.subscriber().thing().orElse(null),
                    "notification to " + s.notifyTo()));
        }
        return deliveries;
    }

    private void end(Subscription s, String status, String reason) {
        if (s.endTo() == null) {
            return;
        }
        SoapMessage n = SoapMessage.create(s.version(), Eventing.SUBSCRIPTION_END, s.endTo().toString(), null);
        declareWse(n);
        Element end = Xml.add(n.body, Eventing.WSE, "wse:SubscriptionEnd");
        Element mgr = Xml.add(end, Eventing.WSE, "wse:SubscriptionManager");
        Xml.add(mgr, s.version().wsa, "wsa:Address", s.notifyTo().toString());
        Element rp = Xml.add(mgr, s.version().wsa, "wsa:ReferenceParameters");
        Xml.add(rp, Eventing.WSE, "wse:Identifier", s.id());
        Xml.add(end, Eventing.WSE, "wse:Status", status);
        Element r = Xml.add(end, Eventing.WSE, "wse:Reason", reason);
        r.setAttributeNS("http://www.w3.org/XML/1998/namespace", "xml:lang", "en");
        stack.deliver(n, s.endTo(), s.device().thing(), s.subscriber().thing().orElse(null),
                "SubscriptionEnd to " + s.endTo());
    }

    /**
     * Ends what a thing holds here: the event subscriptions it signed (their sinks get a SubscriptionEnd), and its
     * device when it is no longer hosted (Bye). Safe for a thing the host never saw.
     */
    public void release(ThingId thing) {
        for (Subscription s : List.copyOf(subscriptions.values())) {
            if (s.subscriber().thing().filter(thing::equals).isPresent() && subscriptions.remove(s.id(), s)) {
                end(s, "wse:SourceCancelling", "the subscriber is no longer operational");
            }
        }
        refresh();
    }

    /** Drops expired subscriptions; called from time to time. */
    public void expire() {
        Instant now = Instant.now();
        subscriptions.values().removeIf(s -> s.expires().isBefore(now));
    }
}
