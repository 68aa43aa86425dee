package org.trusthub.security.wss.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.security.wss.DiscoverySigner;
import org.trusthub.security.wss.WsSecurity;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.WssResult;
import org.w3c.dom.Document;

/**
 * The WS-Security provider: {@link WsSecurity} for bindings, {@link SecurityProvider} at the application layer.
 * Keys and certificates come from the keystore; what each message must carry comes from the caller, which asks the
 * {@link org.trusthub.api.security.SecurityPolicy}. Only things the thing registry knows as operational are secured
 * to or accepted from (unless nothing is required of them); while no registry is bound (during a restart of the
 * lifecycle bundle) no thing counts as operational, so such messages are refused rather than let through unchecked.
 * Every refusal is counted by {@link SecurityRefusals} when one is registered.
 */
@Component(service = {WsSecurity.class, SecurityProvider.class}, configurationPid = WsSecurityComponent.PID,
        property = {SecurityProvider.LAYER + "=APPLICATION", SecurityProvider.MECHANISM + "=" + WsSecurity.WS_SECURITY})
@Designate(ocd = WsSecurityComponent.Config.class)
public final class WsSecurityComponent implements WsSecurity, SecurityProvider {

    /** Configuration PID. */
    public static final String PID = "org.trusthub.security.wss";

    private static final Logger LOG = LoggerFactory.getLogger(WsSecurityComponent.class);
    static final int MAX_REPLAY_ENTRIES_PER_SENDER = 1_000_000;
    // Anyone on the network can make a message be refused: one line per fault code every 10 s, no stack traces.
    private static final LogLimiter REFUSALS = new LogLimiter(Duration.ofSeconds(10), 1);
    /** Text from a refused message is cut to this many characters in the log. */
    private static final int MAX_LOGGED_DETAIL = 300;

    @ObjectClassDefinition(name = "trusthub WS-Security", description = "WS-Security (WSS4J) for SOAP messages of "
            + "DPWS things: Timestamp, UsernameToken, ECDSA-SHA256 signatures, AES-GCM encryption, compact "
            + "signatures of discovery messages. What each thing's messages must carry is the security policy's "
            + "(protect rules of org.trusthub.security.policy).")
    public @interface Config {
        @AttributeDefinition(name = "Unenrolled peers", description = "Peers without active keys in the keystore "
                + "(a DPWS device discovered on the network, not enrolled): nothing can be signed for or verified "
                + "from them. 'plain': exchange plain messages with them (the binding treats them as "
                + "unauthenticated); 'refuse': hold them to the security policy, which refuses them.")
        String unenrolledPolicy() default "plain";

        @AttributeDefinition(name = "Timestamp validity", description = "Seconds a message is valid after it was "
                + "created (1 to 3600).", min = "1", max = "3600")
        int timestampTtlSeconds() default 300;

        @AttributeDefinition(name = "Replay entries per sender", description = "How many messages one "
                + "authenticated sender may have in the replay window at once (1 to 1000000); messages it signs "
                + "under security context tokens count together, in a share of their own. Each accepted message stays "
                + "there until its Timestamp validity ends; a sender past its share is refused (wsse:FailedCheck) "
                + "until its oldest messages leave, and blocks no one else. The default, 10000, allows about 33 "
                + "messages a second sustained with the default 300 s validity.", min = "1", max = "1000000")
        int replayEntriesPerSender() default WssEngine.REPLAY_ENTRIES_PER_SENDER;
    }

    private final ThingKeyStore keystore;
    private final KeystoreCredentials credentials;
    private final WssEngine engine;
    private final CompactSignature compact;
    private volatile boolean unenrolledPlain = true;
    private volatile Duration ttl = Duration.ofSeconds(300);
    private volatile int replayEntriesPerSender = WssEngine.REPLAY_ENTRIES_PER_SENDER;
    private volatile List<String> refused = List.of();

    // Optional and dynamic so that a restart of the lifecycle bundle does not restart this component (and empty its
    // replay window); while it is missing, requireOperational refuses.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ThingRegistry registry;

    // Refusals are counted there; while it is missing they are only logged.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityRefusals refusals;

    // Requests signed with the proof key of a security context token (WS-Trust via offload): the token service's
    // resolver opens the token for the hosted thing; without one such requests are refused.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile org.trusthub.security.wss.sct.SecurityContextResolver contexts;
    private volatile SctRequests sctRequests;

    @Activate
    public WsSecurityComponent(@Reference ThingKeyStore keystore, Config config) {
        this(keystore, config, Clock.systemUTC());
    }

    /** Outside OSGi (tests, benchmarks, tools): with the registry that says which things are operational. */
    public WsSecurityComponent(ThingKeyStore keystore, ThingRegistry registry, Config config) {
        this(keystore, config, Clock.systemUTC());
        this.registry = registry;
    }

    WsSecurityComponent(ThingKeyStore keystore, Config config, Clock clock) {
        this.keystore = keystore;
        this.credentials = new KeystoreCredentials(keystore);
        this.engine = new WssEngine(credentials, clock);
        this.compact = new CompactSignature(credentials);
        this.sctRequests = new SctRequests(() -> contexts, clock);
        modified(config);
    }

    @Modified
    void modified(Config config) {
        List<String> refusedNow = new ArrayList<>();
        int seconds = config.timestampTtlSeconds();
        if (seconds < 1 || seconds > 3600) {
            refusedNow.add("timestampTtlSeconds " + seconds + " is not between 1 and 3600; messages stay valid for "
                    + ttl.toSeconds() + " s");
        } else {
            ttl = Duration.ofSeconds(seconds);
        }
        String unenrolled = config.unenrolledPolicy() == null ? "" : config.unenrolledPolicy().trim();
        if (unenrolled.equalsIgnoreCase("plain")) {
            unenrolledPlain = true;
        } else {
            // Anything but plain fails closed: the unenrolled peer is held to the policy it cannot meet.
            unenrolledPlain = false;
            if (!unenrolled.equalsIgnoreCase("refuse")) {
                refusedNow.add("unenrolledPolicy '" + WsSecurityComponent.oneLine(unenrolled)
                        + "' is neither plain nor refuse; unenrolled peers are refused");
            }
        }
        int perSender = config.replayEntriesPerSender();
        if (perSender < 1 || perSender > MAX_REPLAY_ENTRIES_PER_SENDER) {
            refusedNow.add("replayEntriesPerSender " + perSender + " is not between 1 and "
                    + MAX_REPLAY_ENTRIES_PER_SENDER + "; the replay window keeps " + replayEntriesPerSender);
        } else {
            replayEntriesPerSender = perSender;
        }
        refusedNow.forEach(why -> LOG.error("WS-Security setting refused: {}", why));
        refused = List.copyOf(refusedNow);
        engine.replayEntriesPerSender(replayEntriesPerSender);
        sctRequests.replayEntriesPerSender(replayEntriesPerSender);
    }

    /** The settings the last configuration gave that were refused, each with what applies instead. */
    List<String> refused() {
        return refused;
    }

    /** How many messages one sender or token may have in the replay window now (the configured share). */
    int replayEntriesPerSender() {
        return replayEntriesPerSender;
    }

    @Override
    public Protection effective(ThingId peer, Protection required) {
        if (required.level() != Protection.Level.NONE && unenrolledPlain && !keystore.isActive(peer)) {
            return Protection.NONE;
        }
        return required;
    }

    private WssPolicy policy(ThingId peer, Protection required) {
        return WssPolicy.of(effective(peer, required), ttl);
    }

    @Override
    public WssResult secure(Document envelope, ThingId peer, Protection required) throws WsSecurityException {
        // The reply to a request signed under a security context token: signed with that token's proof key, whatever
        // the peer's requirement (it has no certificate to check a hub signature with; that is why it uses one).
        Optional<WssResult> reply = sctRequests.secureReply(envelope, peer);
        if (reply.isPresent()) {
            return reply.get();
        }
        WssPolicy policy = policy(peer, required);
        if (!policy.isPlain()) {
            requireOperational(peer);
        }
        return engine.secure(envelope, policy, peer);
    }

    @Override
    public WssResult verify(Document envelope, ThingId peer, Protection required) throws WsSecurityException {
        return logged(() -> {
            WssPolicy policy = policy(peer, required);
            if (!policy.isPlain()) {
                requireOperational(peer);
            }
            return engine.verify(envelope, policy, Optional.of(peer));
        }, peer, Optional.of(peer));
    }

    @Override
    public WssResult verifyRequest(Document envelope, ThingId hosted, Protection required)
            throws WsSecurityException {
        // The hosted thing's requirement holds whether or not it has keys of its own: the request is signed by its
        // sender, never by the hosted thing.
        WssPolicy policy = WssPolicy.of(required, ttl);
        if (org.trusthub.security.wss.sct.SctVerifier.carriesSct(envelope)) {
            return logged(() -> sctRequests.verify(envelope, hosted, policy, this::requireOperational), hosted,
                    Optional.empty());
        }
        // Whoever signed or named itself must be operational before the request counts as seen.
        return logged(() -> engine.verify(envelope, policy, Optional.empty(), this::requireOperational), hosted,
                Optional.empty());
    }

    /** Messages inside the replay windows now, X.509/UsernameToken and token-signed (for diagnostics, benchmarks). */
    public int replayEntries() {
        return engine.replayEntries() + sctRequests.replayEntries();
    }

    @Override
    public void signDiscovery(Document envelope) throws WsSecurityException {
        compact.sign(envelope);
    }

    @Override
    public Optional<DiscoverySigner> verifyDiscovery(Document envelope) throws WsSecurityException {
        try {
            Optional<DiscoverySigner> signer = compact.verify(envelope);
            if (signer.isPresent() && signer.get().thing().isPresent()) {
                requireOperational(signer.get().thing().get());
            }
            return signer;
        } catch (WsSecurityException e) {
            // The binding logs dropped discovery messages itself (rate-limited); here they are only counted.
            count(Optional.empty(), e);
            throw e;
        }
    }

    @Override
    public Layer layer() {
        return Layer.APPLICATION;
    }

    @Override
    public String mechanism() {
        return WS_SECURITY;
    }

    /**
     * Drops the thing's security context token sessions and reply keys, and the cached certificate owners (reloading
     * them drops the thing's). Called by the lifecycle dispatcher when the thing leaves OPERATIONAL, is revoked or
     * its keys are rotated; a certificate enrolled meanwhile is found without it (the owners reload on a miss).
     */
    @Override
    public void forget(ThingId thing) {
        credentials.invalidate();
        sctRequests.forget(thing);
    }

    /** The security context tokens the thing signed accepted requests under and that have not expired. */
    @Override
    public List<Authenticated> sessions(ThingId thing) {
        return sctRequests.sessions(thing);
    }

    private void requireOperational(ThingId thing) throws WsSecurityException {
        if (!keystore.isActive(thing)) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION, RefusalReason.UNKNOWN_KEY,
                    thing + " has no active keys");
        }
        ThingRegistry things = registry;
        if (things == null) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION, RefusalReason.NOT_OPERATIONAL,
                    thing + " is not operational: no thing registry is available to tell");
        }
        Optional<Thing> record = things.find(thing);
        if (record.isEmpty() || record.get().state() != LifecycleState.OPERATIONAL) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION, RefusalReason.NOT_OPERATIONAL,
                    thing + " is not operational");
        }
    }

    private interface Check {
        WssResult run() throws WsSecurityException;
    }

    /**
     * Runs a verification; a refusal is counted (for {@code sender}: the peer a response or event came from, or
     * empty for a request whose sender is not known before it verifies) and logged, rate-limited.
     */
    private WssResult logged(Check check, ThingId thing, Optional<ThingId> sender) throws WsSecurityException {
        try {
            return check.run();
        } catch (WsSecurityException e) {
            count(sender, e);
            REFUSALS.admit(e.faultCode()).ifPresent(left -> LOG.warn("WS-Security refused a message ({}): {} [{}]{}",
                    thing, oneLine(e.getMessage()), e.faultCode(),
                    left == 0 ? "" : " (" + left + " more refused for this reason since the last line)"));
            throw e;
        }
    }

    private void count(Optional<ThingId> thing, WsSecurityException e) {
        SecurityRefusals r = refusals;
        if (r != null) {
            r.refused(thing, Layer.APPLICATION, WS_SECURITY, e.reason());
        }
    }

    /** A refusal's text as one short line: it quotes the message, which must not forge lines or fill the log. */
    static String oneLine(String text) {
        String t = text == null ? "" : text.replaceAll("\\p{Cntrl}", " ");
        return t.length() <= MAX_LOGGED_DETAIL ? t : t.substring(0, MAX_LOGGED_DETAIL) + "...";
    }
}
