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
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.security.wss.DiscoverySigner;
import org.trusthub.security.wss.WsSecurity;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.WssPolicy;
import org.trusthub.security.wss.WssResult;
import org.w3c.dom.Document;

/**
 * The WS-Security provider: {@link WsSecurity} for bindings, {@link SecurityProvider} at the application layer.
 * Keys and certificates come from the keystore; policies per thing from configuration PID {@value #PID}. Only
 * things the thing registry knows as operational are secured to or accepted from (unless their policy is plain);
 * while no registry is bound (during a restart of the lifecycle bundle) no thing counts as operational, so such
 * messages are refused rather than let through unchecked.
 */
@Component(service = {WsSecurity.class, SecurityProvider.class, EventHandler.class},
        configurationPid = WsSecurityComponent.PID,
        property = {SecurityProvider.LAYER + "=APPLICATION", SecurityProvider.MECHANISM + "=" + WsSecurity.WS_SECURITY,
            EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.KEYSTORE_ALL,
            EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.LIFECYCLE_ALL})
@Designate(ocd = WsSecurityComponent.Config.class)
public final class WsSecurityComponent implements WsSecurity, SecurityProvider, EventHandler, PolicyReport {

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
            + "signatures of discovery messages.")
    public @interface Config {
        @AttributeDefinition(name = "Default policy", description = "Policy of things without an entry: words "
                + "sign, encrypt, username (UsernameToken with a derived password), plain (no WS-Security).")
        String defaultPolicy() default "sign,encrypt";

        @AttributeDefinition(name = "Policy of unenrolled peers", description = "Policy of peers without active "
                + "keys in the keystore and without an entry of their own (a DPWS device discovered on the network, "
                + "not enrolled): nothing can be signed for or verified from them, so 'plain' (the binding treats "
                + "them as unauthenticated); any other value refuses to talk to them.")
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

        @AttributeDefinition(name = "Thing policies", description = "Entries '<thing id>: <words>' separated by "
                + "';', for example 'lamp-1: sign encrypt username ttl=60; legacy-2: plain'. A refused entry is "
                + "listed by trusthub:wss-policies and its thing gets sign,encrypt.")
        String[] thingPolicies() default {};
    }

    private final ThingKeyStore keystore;
    private final KeystoreCredentials credentials;
    private final WssEngine engine;
    private final CompactSignature compact;
    private volatile PolicyTable policies;
    private volatile WssPolicy unenrolledPolicy = WssPolicy.PLAIN;
    private volatile int replayEntriesPerSender = WssEngine.REPLAY_ENTRIES_PER_SENDER;
    private volatile List<String> refused = List.of();

    // Optional and dynamic so that a restart of the lifecycle bundle does not restart this component (and empty its
    // replay window); while it is missing, requireOperational refuses.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ThingRegistry registry;

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
        PolicyTable table = PolicyTable.of(config.defaultPolicy(), config.timestampTtlSeconds(),
                config.thingPolicies());
        WssPolicy unenrolled;
        String unenrolledRefused = null;
        try {
            unenrolled = PolicyTable.parse(config.unenrolledPolicy(), Duration.ofSeconds(config.timestampTtlSeconds()));
        } catch (IllegalArgumentException e) {
            unenrolledRefused = "unenrolledPolicy '" + config.unenrolledPolicy() + "': " + e.getMessage()
                    + "; unenrolled peers are refused";
            LOG.error("WS-Security setting refused: {}", unenrolledRefused);
            unenrolled = WssPolicy.SIGN_ENCRYPT;
        }
        List<String> refusedNow = new ArrayList<>(table.refused());
        if (unenrolledRefused != null) {
            refusedNow.add(unenrolledRefused);
        }
        policies = table;
        unenrolledPolicy = unenrolled;
        int perSender = config.replayEntriesPerSender();
        if (perSender < 1 || perSender > MAX_REPLAY_ENTRIES_PER_SENDER) {
            String why = "replayEntriesPerSender " + perSender + " is not between 1 and " + MAX_REPLAY_ENTRIES_PER_SENDER
                    + "; the replay window keeps " + replayEntriesPerSender;
            LOG.error("WS-Security setting refused: {}", why);
            refusedNow.add(why);
        } else {
            replayEntriesPerSender = perSender;
        }
        refused = List.copyOf(refusedNow);
        engine.replayEntriesPerSender(replayEntriesPerSender);
        sctRequests.replayEntriesPerSender(replayEntriesPerSender);
    }

    /** How many messages one sender or token may have in the replay window now (the configured share). */
    int replayEntriesPerSender() {
        return replayEntriesPerSender;
    }

    @Override
    public List<PolicyReport.Row> policies() {
        PolicyTable table = policies;
        List<PolicyReport.Row> rows = new ArrayList<>();
        rows.add(new PolicyReport.Row("default", PolicyReport.words(table.defaults())));
        rows.add(new PolicyReport.Row("unenrolled", PolicyReport.words(unenrolledPolicy)));
        table.entries().forEach((thing, policy) -> rows.add(new PolicyReport.Row(thing.value(),
                PolicyReport.words(policy))));
        return rows;
    }

    @Override
    public List<String> refused() {
        return refused;
    }

    @Override
    public WssPolicy policy(ThingId thing) {
        if (!policies.hasEntry(thing) && !keystore.isActive(thing)) {
            return unenrolledPolicy;
        }
        return policies.policy(thing);
    }

    @Override
    public WssResult secure(Document envelope, ThingId peer) throws WsSecurityException {
        // The reply to a request signed under a security context token: signed with that token's proof key, whatever
        // the peer's own policy says (it has no certificate to check a hub signature with; that is why it uses one).
        Optional<WssResult> reply = sctRequests.secureReply(envelope, peer);
        if (reply.isPresent()) {
            return reply.get();
        }
        WssPolicy policy = policy(peer);
        if (!policy.isPlain()) {
            requireOperational(peer);
        }
        return engine.secure(envelope, policy, peer);
    }

    @Override
    public WssResult verify(Document envelope, ThingId peer) throws WsSecurityException {
        WssPolicy policy = policy(peer);
        if (!policy.isPlain()) {
            requireOperational(peer);
        }
        return logged(() -> engine.verify(envelope, policy, Optional.of(peer)), peer);
    }

    @Override
    public WssResult verifyRequest(Document envelope, ThingId hosted) throws WsSecurityException {
        if (org.trusthub.security.wss.sct.SctVerifier.carriesSct(envelope)) {
            return logged(() -> sctRequests.verify(envelope, hosted, policy(hosted), this::requireOperational),
                    hosted);
        }
        // Whoever signed or named itself must be operational before the request counts as seen.
        return logged(() -> engine.verify(envelope, policy(hosted), Optional.empty(), this::requireOperational),
                hosted);
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
        Optional<DiscoverySigner> signer = compact.verify(envelope);
        if (signer.isPresent() && signer.get().thing().isPresent()) {
            requireOperational(signer.get().thing().get());
        }
        return signer;
    }

    @Override
    public Layer layer() {
        return Layer.APPLICATION;
    }

    @Override
    public String mechanism() {
        return WS_SECURITY;
    }

    @Override
    public void forget(ThingId thing) {
        // Nothing is cached per thing but certificate owners; reloading them drops the thing's.
        credentials.invalidate();
    }

    @Override
    public void handleEvent(Event event) {
        credentials.invalidate();
    }

    private void requireOperational(ThingId thing) throws WsSecurityException {
        if (!keystore.isActive(thing)) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION, thing + " has no active keys");
        }
        ThingRegistry things = registry;
        if (things == null) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION, thing + " is not operational: no thing "
                    + "registry is available to tell");
        }
        Optional<Thing> record = things.find(thing);
        if (record.isEmpty() || record.get().state() != LifecycleState.OPERATIONAL) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION, thing + " is not operational");
        }
    }

    private interface Check {
        WssResult run() throws WsSecurityException;
    }

    private static WssResult logged(Check check, ThingId thing) throws WsSecurityException {
        try {
            return check.run();
        } catch (WsSecurityException e) {
            REFUSALS.admit(e.faultCode()).ifPresent(left -> LOG.warn("WS-Security refused a message ({}): {} [{}]{}",
                    thing, oneLine(e.getMessage()), e.faultCode(),
                    left == 0 ? "" : " (" + left + " more refused for this reason since the last line)"));
            throw e;
        }
    }

    /** A refusal's text as one short line: it quotes the message, which must not forge lines or fill the log. */
    static String oneLine(String text) {
        String t = text == null ? "" : text.replaceAll("\\p{Cntrl}", " ");
        return t.length() <= MAX_LOGGED_DETAIL ? t : t.substring(0, MAX_LOGGED_DETAIL) + "...";
    }
}
