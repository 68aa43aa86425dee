package org.trusthub.binding.mqtt.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.HubIdentityStore;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.keystore.ThingKeys;
import org.trusthub.api.keystore.TrustAnchorStore;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.model.InvalidValueException;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyType;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.UnknownThingException;

/**
 * The MQTT binding: the hub is one client of an MQTT broker (mosquitto), connected over TLS with its own
 * certificate; the things its configuration describes ({@link ThingDescriptions}) are the broker's other clients, each
 * with its own pre-shared key ({@link MqttPsk}). The hub keeps the broker's credentials in step with the thing
 * registry ({@link BrokerCredentials}): only OPERATIONAL things can connect, and each may only publish its own values
 * and read its own commands ({@link Topics}). So a value on {@code <root>/<thing>/<property>} was sent by that thing
 * over TLS-PSK: an {@link Authenticated} (TRANSPORT, {@value MqttPsk#MECHANISM}, confidentiality hop by hop).
 *
 * <p>
 * Every value goes through {@link #accept}: the thing must be OPERATIONAL, its protection must satisfy the
 * {@link SecurityPolicy} for protocol {@value #PROTOCOL}, and the payload must parse as the property's type. Anything
 * else is refused with one {@link RefusalReason}, counted in {@link SecurityRefusals} and logged at a bounded rate.
 * The policy and the refusal count are optional dynamic references: while the policy is absent every value and every
 * write is refused (fail closed).
 *
 * <p>
 * {@link #sync} runs every few seconds: it writes the credentials of the things that are operational now, connects
 * when the connection is down, and subscribes to each credentialed thing's values (and unsubscribes the others).
 * {@link #release} does the same for one thing at once.
 */
@Component(service = { ProtocolBinding.class, PropertyProvider.class, MqttBinding.class },
        configurationPid = MqttBinding.PID, immediate = true,
        property = { ProtocolBinding.PROTOCOL + "=" + MqttBinding.PROTOCOL,
            ProtocolBinding.SIMULATED + ":Boolean=false" })
@Designate(ocd = MqttConfig.class)
public final class MqttBinding implements ProtocolBinding, PropertyProvider {

    /** The configuration PID: {@code etc/org.trusthub.binding.mqtt.cfg}. */
    public static final String PID = "org.trusthub.binding.mqtt";
    /** The protocol name, as policy rules and the model name it. */
    public static final String PROTOCOL = "mqtt";
    /** Longest payload taken, in bytes: more than any value of a property needs. */
    static final int MAX_PAYLOAD = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(MqttBinding.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityPolicy policy;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityRefusals refusals;

    private final ThingRegistry registry;
    private final ThingKeys keys;
    private final HubIdentityStore hub;
    private final TrustAnchorStore anchors;
    private final ThingDescriptions described;
    private final Topics topics;
    private final BrokerCredentials credentials;
    private final String uri;
    private final String clientId;
    private final long timeoutMillis;
    // Lines a sender can cause: at most 5 a minute per reason, never with a stack trace.
    private final LogLimiter limiter = new LogLimiter(Duration.ofMinutes(1), 5);
    private final ScheduledExecutorService scheduler;
    private final InboundValues inbound;
    // Things the model has a description of from this binding.
    private final Set<ThingId> modelled = ConcurrentHashMap.newKeySet();
    // Guarded by this: what the broker's files say (thing -> TRANSPORT generation) and what the hub subscribed.
    private Map<ThingId, Integer> credentialed;
    private final Set<ThingId> subscribed = ConcurrentHashMap.newKeySet();
    private BrokerLink link;
    private volatile PropertySink sink;
    private volatile String lastProblem = "not connected yet";

    @Activate
    public MqttBinding(@Reference ThingRegistry registry, @Reference ThingKeys keys, @Reference HubIdentityStore hub,
            @Reference TrustAnchorStore anchors, MqttConfig config) {
        this.registry = registry;
        this.keys = keys;
        this.hub = hub;
        this.anchors = anchors;
        this.described = ThingDescriptions.parse(config.things());
        this.topics = new Topics(config.topicRoot());
        if (config.brokerPort() < 1 || config.brokerPort() > 65535) {
            throw new IllegalArgumentException("brokerPort must be 1 to 65535, not " + config.brokerPort());
        }
        if (config.syncSeconds() < 1 || config.timeoutSeconds() < 1) {
            throw new IllegalArgumentException("syncSeconds and timeoutSeconds must be at least 1");
        }
        String host = config.brokerHost().strip();
        this.uri = "ssl://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.brokerPort();
        this.clientId = config.clientId();
        this.timeoutMillis = TimeUnit.SECONDS.toMillis(config.timeoutSeconds());
        this.credentials = new BrokerCredentials(directory(config.brokerDirectory()),
                config.brokerPidFile().isBlank() ? Optional.empty() : Optional.of(Path.of(config.brokerPidFile())),
                keys, topics);
        this.inbound = new InboundValues(registry, described, () -> policy, () -> refusals, () -> sink, limiter);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trusthub-mqtt-sync");
            t.setDaemon(true);
            return t;
        });
        LOG.info("MQTT binding up: broker {}, {} things described, broker files in {}", uri,
                described.things().size(), credentials.directory());
        scheduler.scheduleWithFixedDelay(this::syncQuietly, 0, config.syncSeconds(), TimeUnit.SECONDS);
    }

    private static Path directory(String configured) {
        if (!configured.isBlank()) {
            return Path.of(configured.strip());
        }
        String data = System.getProperty("karaf.data");
        return (data == null ? Path.of("data") : Path.of(data)).resolve("trusthub").resolve("mqtt");
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
        synchronized (this) {
            if (link != null) {
                link.close();
                link = null;
            }
            subscribed.clear();
        }
        sink = null;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public String binding() {
        return PROTOCOL;
    }

    @Override
    public boolean isSimulated() {
        return false;
    }

    @Override
    public Set<ThingId> things() {
        return Set.copyOf(described.things().keySet());
    }

    /** The things described, with their properties. */
    public Map<ThingId, List<PropertyDescriptor>> described() {
        return described.things();
    }

    /** The broker URI, whether the hub is connected, and why not when it is not. */
    public synchronized Status status() {
        boolean up = link != null && link.isConnected();
        String notRevoked = credentials.notRevoked();
        return new Status(uri, up, up ? "" : lastProblem, credentialed == null ? Set.of()
                : Set.copyOf(credentialed.keySet()), Set.copyOf(subscribed),
                notRevoked.isEmpty() ? List.of() : List.of(notRevoked));
    }

    /** What {@code trusthub:mqtt-status} shows; {@code warnings} are what an operator must act on. */
    public record Status(String broker, boolean connected, String problem, Set<ThingId> credentialed,
            Set<ThingId> subscribed, List<String> warnings) {
    }

    /**
     * Drops the thing's credentials at the broker (it can no longer connect) and the hub's subscription to its values,
     * at once; its values go UNAVAILABLE in the model. The next {@link #sync} gives them back once it is operational.
     */
    @Override
    public void release(ThingId thing) {
        synchronized (this) {
            unsubscribe(thing);
            if (credentialed != null && credentialed.containsKey(thing)) {
                Map<ThingId, Integer> now = new LinkedHashMap<>(credentialed);
                now.remove(thing);
                writeCredentials(now);
            }
        }
        PropertySink s = sink;
        // a thing the model has not taken yet (released while it is bootstrapped) has nothing to mark
        if (s != null && modelled.contains(thing)) {
            s.unavailable(thing);
        }
    }

    @Override
    public void attach(PropertySink sink) {
        this.sink = sink;
        modelled.clear();
        described.things().keySet().forEach(thing -> describe(sink, thing));
    }

    @Override
    public void detach(PropertySink sink) {
        if (this.sink == sink) {
            this.sink = null;
            modelled.clear();
        }
    }

    private void describe(PropertySink s, ThingId thing) {
        try {
            s.describe(thing, described.things().get(thing));
            modelled.add(thing);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // not enrolled yet, decommissioned, or owned by another binding: tried again once it is operational
            limiter.admit("describe " + thing).ifPresent(left -> LOG.warn("MQTT binding cannot describe {} in the "
                    + "model: {}", thing, e.getMessage()));
        }
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (RuntimeException e) {
            LOG.warn("MQTT sync failed: {}", e.toString());
        }
    }

    /**
     * Brings the broker's credentials, the connection and the subscriptions in line with the registry: the
     * credentials of exactly the described things that are OPERATIONAL now (at their current key generation), and a
     * subscription to the values of each of them.
     */
    synchronized void sync() {
        Map<ThingId, Integer> wanted = new LinkedHashMap<>();
        for (ThingId thing : described.things().keySet()) {
            if (registry.find(thing).map(Thing::state).orElse(null) == LifecycleState.OPERATIONAL) {
                transportGeneration(thing).ifPresent(g -> wanted.put(thing, g));
            }
        }
        if (!wanted.equals(credentialed)) {
            writeCredentials(wanted);
        }
        if (credentialed == null) {
            return;
        }
        PropertySink s = sink;
        if (s != null) {
            credentialed.keySet().stream().filter(t -> !modelled.contains(t)).forEach(t -> describe(s, t));
        }
        if (link == null || !link.isConnected()) {
            connect();
        }
        if (link == null || !link.isConnected()) {
            return;
        }
        for (ThingId thing : Set.copyOf(subscribed)) {
            if (!credentialed.containsKey(thing)) {
                unsubscribe(thing);
            }
        }
        for (ThingId thing : credentialed.keySet()) {
            if (!subscribed.contains(thing)) {
                try {
                    link.subscribe(topics.values(thing));
                    subscribed.add(thing);
                } catch (MqttException e) {
                    problem("cannot subscribe to the values of " + thing + ": " + reason(e));
                }
            }
        }
    }

    private Optional<Integer> transportGeneration(ThingId thing) {
        try {
            if (!keys.isActive(thing)) {
                return Optional.empty();
            }
            return keys.metadata(thing).layers().stream().filter(l -> l.layer() == Layer.TRANSPORT)
                    .map(LayerKeyMetadata::generation).findFirst();
        } catch (UnknownThingException | KeystoreException e) {
            return Optional.empty();
        }
    }

    // Guarded by this.
    private void writeCredentials(Map<ThingId, Integer> wanted) {
        try {
            Set<ThingId> written = credentials.write(wanted.keySet(), hub.hubIdentity().certificate());
            Map<ThingId, Integer> now = new LinkedHashMap<>(wanted);
            now.keySet().retainAll(written);
            credentialed = now;
        } catch (IOException e) {
            problem("cannot write the broker's files in " + credentials.directory() + ": "
                    + e.getClass().getSimpleName());
        }
    }

    // Guarded by this.
    private void connect() {
        if (link != null) {
            link.close();
            link = null;
        }
        subscribed.clear();
        BrokerLink fresh = null;
        try {
            fresh = new BrokerLink(uri, clientId, this::arrived, this::failed, timeoutMillis);
            fresh.connect(HubTls.socketFactory(hub.hubIdentity(), anchors.trustAnchors(TrustPurpose.TLS)));
            link = fresh;
            lastProblem = "";
            LOG.info("MQTT binding connected to {}", uri);
        } catch (MqttException e) {
            problem("cannot connect to " + uri + ": " + reason(e));
        } catch (java.security.GeneralSecurityException | IllegalStateException e) {
            problem("cannot connect to " + uri + ": " + e.getMessage());
        } finally {
            if (fresh != null && link != fresh) {
                fresh.close();
            }
        }
    }

    // Guarded by this.
    private void unsubscribe(ThingId thing) {
        if (subscribed.remove(thing) && link != null && link.isConnected()) {
            try {
                link.unsubscribe(topics.values(thing));
            } catch (MqttException e) {
                // the broker drops the thing's credentials anyway; the next connect starts without it
                problem("cannot unsubscribe from " + thing + ": " + reason(e));
            }
        }
    }

    private void problem(String text) {
        lastProblem = text;
        limiter.admit(text).ifPresent(left -> LOG.warn("MQTT binding: {} ({} like it not logged before)", text,
                left));
    }

    private static String reason(MqttException e) {
        Throwable cause = e.getCause();
        return e.getMessage() + (cause == null ? "" : " (" + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")");
    }

    /**
     * A message from the broker, on Paho's thread. A retained message is refused: it is what some client left on the
     * broker earlier, not the thing's report now, and it would come again on every subscribe.
     */
    void arrived(String topic, byte[] payload, boolean retained) {
        Optional<ThingId> thing = topics.thing(topic);
        if (thing.isEmpty()) {
            // The ACL lets only the hub publish outside the things' own topics; nothing to attribute it to.
            limiter.admit("topic of no thing").ifPresent(left -> LOG.warn("MQTT message on a topic that names no "
                    + "thing dropped ({} like it not logged before)", left));
            return;
        }
        Optional<String> property = topics.property(thing.get(), topic);
        if (property.isEmpty()) {
            refuseMessage(thing, "topic names no property");
            return;
        }
        if (retained) {
            refuseMessage(thing, "retained message (not a fresh report)");
            return;
        }
        accept(Authenticated.message(thing.get(), Layer.TRANSPORT, MqttPsk.MECHANISM, Protection.confidentiality()),
                property.get(), payload);
    }

    /** What {@link #arrived} threw: counted MALFORMED and logged at a bounded rate, the connection stays. */
    void failed(RuntimeException e) {
        refuseMessage(Optional.empty(), "handling it failed: " + e.getClass().getSimpleName());
    }

    private void refuseMessage(Optional<ThingId> thing, String why) {
        SecurityRefusals r = refusals;
        if (r != null) {
            r.refused(thing, Layer.TRANSPORT, PROTOCOL, RefusalReason.MALFORMED);
        }
        // The text is ours and the thing id an enrolled one: a sender cannot forge log lines.
        limiter.admit("message " + why).ifPresent(left -> LOG.warn("MQTT message from {} refused (MALFORMED): {}; "
                + "{} like it not logged before", thing.map(ThingId::value).orElse("an unknown sender"), why, left));
    }

    /**
     * A value a thing sent, authenticated by the broker (its PSK, and the ACL that lets it publish only its own
     * topics): checked and published into the model ({@link InboundValues}).
     *
     * @return empty when the value reached the model; otherwise why it was refused (counted and logged)
     */
    public Optional<RefusalReason> accept(Authenticated from, String property, byte[] payload) {
        return inbound.accept(from, property, payload);
    }

    /**
     * Publishes the model's write to {@code <root>/<thing>/<property>/set} (QoS 1) and returns once the broker has
     * it; the model then holds the value written. The thing reports what it then has on its value topic.
     */
    @Override
    public void write(ThingId thing, PropertyDescriptor property, Object value) {
        SecurityPolicy p = policy;
        if (p == null) {
            throw new PropertyWriteException(thing, property.id(), "no security policy: writes are refused");
        }
        if (!Protection.confidentiality().satisfies(p.outbound(thing, PROTOCOL))) {
            throw new PropertyWriteException(thing, property.id(), "the policy requires "
                    + p.outbound(thing, PROTOCOL) + " for mqtt, more than the broker's TLS gives");
        }
        synchronized (this) {
            if (!subscribed.contains(thing) || link == null || !link.isConnected()) {
                throw new PropertyWriteException(thing, property.id(), "the thing is not connected through the "
                        + "broker now (" + (lastProblem.isEmpty() ? "not operational yet" : lastProblem) + ")");
            }
            try {
                link.publish(topics.command(thing, property.id()), text(property, value)
                        .getBytes(StandardCharsets.UTF_8));
            } catch (MqttException e) {
                throw new PropertyWriteException(thing, property.id(), "the broker did not take the write: "
                        + reason(e));
            }
        }
        PropertySink s = sink;
        if (s != null) {
            s.update(thing, property.id(), value, Origin.WRITE);
        }
    }

    /** A value as a thing reads it: on/off for a switch, plain numbers, text as it is. */
    static String text(PropertyDescriptor property, Object value) {
        if (property.type() == PropertyType.SWITCH) {
            return Boolean.TRUE.equals(value) ? "on" : "off";
        }
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(value);
    }

}
