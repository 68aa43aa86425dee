package org.trusthub.binding.dpws.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.DeviceHost.Hosted;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The event source of the hosted devices (WS-Eventing): grants, renews, reports and ends subscriptions to a hosted
 * thing's StateChanged events, keeps who made each one (only that party may manage it), and delivers the events and
 * SubscriptionEnd notices through the stack. Which requests reach it, and whether the caller may read the state, is
 * {@link DeviceHost}'s.
 */
public final class HostedEventing {

    private static final Logger LOG = LoggerFactory.getLogger(HostedEventing.class);
    private static final int MAX_SUBSCRIPTIONS = 256;

    /**
     * A granted event subscription.
     *
     * @param subscriber who may manage it: the thing that signed the Subscribe, or else the address it came from
     */
    public record Subscription(String id, Hosted device, DpwsVersion version, URI notifyTo,
            List<Element> referenceParameters, URI endTo, Set<String> actions, Instant expires,
            Subscriber subscriber) {
    }

    /**
     * The party that made a subscription: an authenticated thing (with how well its Subscribe was protected), or
     * (unauthenticated) a source address.
     */
    public record Subscriber(Optional<Authenticated> caller, InetAddress address) {
        public Subscriber {
            java.util.Objects.requireNonNull(caller, "caller");
            java.util.Objects.requireNonNull(address, "address");
        }

        /** The thing that signed the Subscribe; empty when it named none. */
        public Optional<ThingId> thing() {
            return caller.map(Authenticated::thing);
        }

        /** Whether a later request comes from the same party: the same signer, or the same address when unsigned. */
        boolean matches(Subscriber other) {
            if (thing().isPresent()) {
                return thing().equals(other.thing());
            }
            return other.thing().isEmpty() && Arrays.equals(address.getAddress(), other.address.getAddress())
                    && scope(address) == scope(other.address);
        }

        // The same link-local address on another link is another host.
        private static int scope(InetAddress a) {
            return a instanceof Inet6Address a6 && a6.isLinkLocalAddress() ? a6.getScopeId() : 0;
        }

        @Override
        public String toString() {
            return thing().map(ThingId::value).orElse(address.getHostAddress());
        }
    }

    private final DpwsStack stack;
    private final Supplier<HostLimits> limits;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

    HostedEventing(DpwsStack stack, Supplier<HostLimits> limits) {
        this.stack = stack;
        this.limits = limits;
    }

    List<Subscription> subscriptions() {
        return List.copyOf(subscriptions.values());
    }

    SoapMessage subscribe(Hosted h, SoapMessage m, Subscriber from) throws MalformedMessageException {
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
            if (!limits.get().sinkAllowed(sink, from.address())) {
                throw new Eventing.Refused("wse:EventSourceUnableToProcess", (sink == notify ? "NotifyTo" : "EndTo")
                        + " names host " + Xml.printable(sink.getHost()) + ", not the subscriber's own address "
                        + from.address().getHostAddress() + " (other hosts need the eventSinks setting)");
            }
        }
        Set<String> actions = Set.of(DeviceHost.STATE_CHANGED);
        Element filter = Xml.child(sub, Eventing.WSE, "Filter");
        if (filter != null) {
            String dialect = filter.getAttribute("Dialect");
            if (!dialect.equals(v.dpws + "/Action")) {
                throw new MalformedMessageException("filter dialect " + Xml.printable(dialect) + " not supported");
            }
            actions = Set.copyOf(DiscoveryMessage.words(Xml.text(filter)));
            if (actions.stream().noneMatch(a -> DeviceHost.STATE_CHANGED.startsWith(a))) {
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

    static void declareWse(SoapMessage r) {
        r.doc.getDocumentElement().setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wse", Eventing.WSE);
    }

    SoapMessage manage(Hosted h, SoapMessage m, Subscriber from) throws MalformedMessageException {
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

    /**
     * Sends a StateChanged notification to every live subscriber of a hosted device.
     *
     * @return the deliveries under way, each completing with whether the sink took it
     */
    List<CompletableFuture<Boolean>> stateChanged(Hosted h, String state) {
        ThingId thing = h.thing();
        List<CompletableFuture<Boolean>> deliveries = new ArrayList<>();
        Instant now = Instant.now();
        for (Subscription s : List.copyOf(subscriptions.values())) {
            if (!s.device().equals(h)) {
                continue;
            }
            if (s.expires().isBefore(now)) {
                subscriptions.remove(s.id());
                continue;
            }
            if (s.actions().stream().noneMatch(DeviceHost.STATE_CHANGED::startsWith)) {
                continue;
            }
            // The policy may have changed since the Subscribe was granted: each event is read under the one in force.
            if (!stack.security().stillGranted(s.subscriber().caller(), thing, DeviceHost.STATE_PROPERTY)) {
                if (subscriptions.remove(s.id(), s)) {
                    LOG.info("DPWS: ended the subscription of {} to {}: the security policy no longer grants it",
                            s.subscriber(), thing);
                    end(s, "wse:SourceCancelling", "the security policy no longer lets " + s.subscriber() + " read "
                            + DeviceHost.STATE_PROPERTY + " of " + thing);
                }
                continue;
            }
            SoapMessage n = SoapMessage.create(s.version(), DeviceHost.STATE_CHANGED, s.notifyTo().toString(), null);
            for (Element ref : s.referenceParameters()) {
                Node copy = n.doc.importNode(ref, true);
                n.header.appendChild(copy);
            }
            Element st = Xml.add(n.body, DeviceHost.TH, "th:StateChanged");
            Xml.add(st, DeviceHost.TH, "th:Thing", thing.value());
            Xml.add(st, DeviceHost.TH, "th:State", state);
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

    /** Ends every subscription to a device that is withdrawn; their sinks get a SubscriptionEnd. */
    void endAll(Hosted h, String reason) {
        for (Subscription s : List.copyOf(subscriptions.values())) {
            if (s.device().equals(h)) {
                subscriptions.remove(s.id());
                end(s, "wse:SourceShuttingDown", reason);
            }
        }
    }

    /** Ends the subscriptions a thing signed; their sinks get a SubscriptionEnd. */
    void release(ThingId thing) {
        for (Subscription s : List.copyOf(subscriptions.values())) {
            if (s.subscriber().thing().filter(thing::equals).isPresent() && subscriptions.remove(s.id(), s)) {
                end(s, "wse:SourceCancelling", "the subscriber is no longer operational");
            }
        }
    }

    /** Drops expired subscriptions. */
    void expire() {
        Instant now = Instant.now();
        subscriptions.values().removeIf(s -> s.expires().isBefore(now));
    }
}
