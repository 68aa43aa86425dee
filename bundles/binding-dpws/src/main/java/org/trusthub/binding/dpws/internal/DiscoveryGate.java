package org.trusthub.binding.dpws.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurityException;

/**
 * The checks every discovery datagram passes before the device host or the client sees it: the policy is there, it
 * came in on a configured interface, it parses within the UDP limit as a SOAP discovery message, it is no copy of
 * one already taken, its compact signature (if any) verifies and speaks for the device it announces, an unsigned one
 * is believed only of a device whose policy does not sign, and it is in its sender's AppSequence order. Then a Probe
 * or Resolve goes to the host, anything else to the client.
 */
final class DiscoveryGate {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryGate.class);
    // Anyone on the link can send discovery datagrams: each reason for dropping one is logged once a minute.
    private final LogLimiter logs = new LogLimiter(Duration.ofMinutes(1), 1);
    private final DuplicateFilter duplicates = new DuplicateFilter(512);
    private final AppSequenceGuard sequences = new AppSequenceGuard();
    private final DpwsStack stack;

    DiscoveryGate(DpwsStack stack) {
        this.stack = stack;
    }

    void onDatagram(byte[] data, int length, InetSocketAddress from, boolean multicast) {
        if (stack.security().policyMissing()) {
            stack.security().refused(Optional.empty(), RefusalReason.NOT_OPERATIONAL);
            stack.securityMissing("dropped a discovery datagram", from);
            return;
        }
        if (!stack.config().interfaces().isEmpty() && stack.localAddressFor(from.getAddress()) == null) {
            // The socket is bound to the wildcard address to receive multicast; unicast from networks the
            // operator did not name is not ours to answer.
            LOG.debug("DPWS: ignored a datagram from {}, not on a configured interface", from);
            return;
        }
        DiscoveryMessage m;
        Optional<String> signer;
        try {
            MessageSecurity security = stack.security();
            SoapMessage soap = SoapMessage.read(Xml.parse(data, length, Xml.MAX_UDP), security.understoodHeaders());
            if (soap.messageId() != null && duplicates.seen(soap.messageId())) {
                return;
            }
            m = DiscoveryMessage.read(soap);
            if (m == null) {
                LOG.debug("DPWS: ignored a non-discovery datagram from {}", from);
                return;
            }
            signer = security.verifyDiscovery(soap);
            // Recorded only now, in the table of its kind: unsigned messages cannot push signed ones out.
            if (soap.messageId() != null && !duplicates.firstTime(soap.messageId(), signer.isPresent())) {
                return;
            }
            if (m.kind != DiscoveryMessage.Kind.PROBE && m.kind != DiscoveryMessage.Kind.RESOLVE) {
                List<DiscoveryMessage.Endpoint> kept = new ArrayList<>();
                for (DiscoveryMessage.Endpoint e : m.endpoints) {
                    String refused = admit(m, e, signer);
                    if (refused == null) {
                        kept.add(e);
                    } else {
                        OptionalLong due = logs.admit("refused endpoint");
                        if (due.isPresent()) {
                            long held = due.getAsLong();
                            LOG.warn("DPWS: dropped {} from {} for {}: {} ({} more dropped since the last report)",
                                    m.kind.element, from, Xml.printable(e.address()), refused, held);
                        }
                    }
                }
                if (kept.isEmpty()) {
                    return;
                }
                m = kept.size() == m.endpoints.size() ? m : m.withEndpoints(kept);
            }
        } catch (MalformedMessageException e) {
            OptionalLong due = logs.admit("malformed");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.warn("DPWS: dropped a datagram from {}: {} ({} more dropped since the last report)", from,
                        e.getMessage(), held);
            }
            return;
        } catch (SoapSecurityException e) {
            OptionalLong due = logs.admit("bad signature");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.warn("DPWS: dropped a discovery message from {}: bad signature ({}): {} ({} more dropped since "
                        + "the last report)", from, e.faultCode(), e.getMessage(), held);
            }
            return;
        }
        if ((m.kind == DiscoveryMessage.Kind.PROBE || m.kind == DiscoveryMessage.Kind.RESOLVE)
                && stack.unanswerable(from)) {
            OptionalLong due = logs.admit("malformed");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.warn("DPWS: not answering a {} from {}: replies would go to many hosts or none ({} more dropped "
                        + "since the last report)", m.kind.element, from, held);
            }
            return;
        }
        switch (m.kind) {
            case PROBE -> {
                if (stack.config().host()) {
                    stack.host().onProbe(m, from, multicast);
                }
            }
            case RESOLVE -> {
                if (stack.config().host()) {
                    stack.host().onResolve(m, from, multicast);
                }
            }
            default -> {
                if (stack.config().client() && !isOwn(m)) {
                    stack.client().onDiscovery(m, signer.orElse(null));
                }
            }
        }
    }

    /**
     * Whether an announced endpoint (Hello, Bye, ProbeMatch, ResolveMatch) is acted on: null when it is, else why
     * not. A signature speaks only for the signer's own device (or for anything when it is this hub's), a device
     * whose policy signs is believed only when signed, and the message must be in its sender's AppSequence order.
     */
    private String admit(DiscoveryMessage m, DiscoveryMessage.Endpoint e, Optional<String> signer)
            throws MalformedMessageException {
        if (signer.isPresent() && !signer.get().equals(SoapSecurity.HUB_SIGNER)
                && !signer.get().equals(thingOf(e.address()))) {
            stack.security().refused(Optional.empty(), RefusalReason.FORGED);
            return "signed by " + Xml.printable(signer.get()) + ", which is not the announced device's thing "
                    + Xml.printable(String.valueOf(thingOf(e.address())));
        }
        if (signer.isEmpty() && requiresSignature(e.address())) {
            // A stripped compact signature (or none that could be checked, while no provider is registered): the
            // policy requires the device's messages protected, so its unsigned ones are not believed.
            stack.security().refused(Optional.ofNullable(thingOf(e.address())).map(ThingId::of),
                    RefusalReason.POLICY);
            return "unsigned, and its policy requires signed messages";
        }
        // Ordered per device, not per spelling: "URN:UUID:AB.." and " urn:uuid:ab.." are the same thing's endpoint,
        // so one signer cannot fill the signed table with variants of its own address.
        String device = thingOf(e.address());
        return sequences.accept((device != null ? device : e.address()) + " " + m.soap.version,
                m.soap.appSequence(), signer.isPresent());
    }

    int signedSequences() {
        return sequences.signedSenders();
    }

    private static String thingOf(String address) {
        try {
            return DiscoveredDevice.thingIdFor(address).value();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private boolean requiresSignature(String address) {
        try {
            return stack.security().requiresSignature(DiscoveredDevice.thingIdFor(address));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean isOwn(DiscoveryMessage m) {
        return m.endpoints.stream().anyMatch(e -> stack.host().hosted().values().stream()
                .anyMatch(h -> h.address().equalsIgnoreCase(e.address())));
    }
}
