package org.trusthub.binding.dpws.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.binding.dpws.internal.DeviceHost.Hosted;

/**
 * Answers the Probes and Resolves that reach the hosted devices (WS-Discovery target service): matches them against
 * the hosted things, charges each source address for the replies it gets, and queues the replies to be built, signed
 * and sent by {@link DiscoveryReplies}. Anyone can send or spoof these, so everything that refuses is rate-limited.
 */
final class ProbeAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeAnswers.class);
    // Anyone who can send or spoof a Probe can cause these: each reason once a minute.
    private final LogLimiter logs = new LogLimiter(Duration.ofMinutes(1), 1);

    private final DeviceHost host;
    private final DpwsStack stack;
    private volatile SourceBudget replyBudget;
    private volatile int budgetPerMinute;

    ProbeAnswers(DeviceHost host, DpwsStack stack, int repliesPerMinute) {
        this.host = host;
        this.stack = stack;
        budget(repliesPerMinute);
    }

    /** Sets how many discovery replies one source address gets a minute. */
    void budget(int repliesPerMinute) {
        this.budgetPerMinute = repliesPerMinute;
        this.replyBudget = new SourceBudget(repliesPerMinute);
    }

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
        for (Hosted h : host.hosted().values()) {
            DiscoveryMessage.Endpoint e = host.endpoint(v, h, local == null ? List.of() : List.of(host.url(local,
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
            answer.add(() -> DiscoveryMessage.probeMatches(v, relatesTo, List.of(e), host.nextSequence()));
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
        long delay = multicast ? ThreadLocalRandom.current().nextInt(DeviceHost.APP_MAX_DELAY) : 0;
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
                    from.getAddress().getHostAddress(), budgetPerMinute, held);
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
        for (Hosted h : host.hosted().values()) {
            if (h.address().equalsIgnoreCase(wanted) && local != null && withinBudget(from, 1, "Resolve")) {
                DiscoveryMessage.Endpoint e = host.endpoint(v, h, List.of(host.url(local, h.devicePath())));
                String relatesTo = resolve.soap.messageId();
                queue(List.of(() -> DiscoveryMessage.resolveMatches(v, relatesTo, e, host.nextSequence())), from,
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
}
