package org.trusthub.binding.coap.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.oscore.OSCoreCoapStackFactory;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.model.ModelEvents;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.model.RawValues;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.binding.coap.spi.CoapContribution;
import org.trusthub.security.oscore.OscoreContexts;
import org.trusthub.security.transport.dtls.DtlsServerOptions;
import org.trusthub.security.transport.dtls.DtlsServers;

/**
 * The CoAP binding: Californium in the hub with a plain endpoint (where OSCORE runs) and a DTLS endpoint, the hub's
 * resources, a resource directory, and reads and observations of things' resources. The values things keep at the hub
 * ({@code /things/<thing>/<name>}) live in the thing model ({@link RawValues}). Only operational things whose
 * requests are protected as the {@link SecurityPolicy} requires are served; the lifecycle dispatcher calls
 * {@link #release} when a thing leaves the operational state or its keys are revoked. DTLS, OSCORE, the policy and
 * the refusal count and the model's values are reached through dynamic references, so replacing one of them restarts
 * nothing else.
 * Configuration PID {@value #PID}.
 */
@Component(service = {ProtocolBinding.class, CoapBindingStatus.class, EventHandler.class},
        configurationPid = CoapBindingComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, property = {ProtocolBinding.PROTOCOL + "=coap", ProtocolBinding.SIMULATED + ":Boolean=false",
                EventConstants.EVENT_TOPIC + "=" + ModelEvents.PROPERTY_CHANGED,
                EventConstants.EVENT_TOPIC + "=" + ModelEvents.THING_AVAILABILITY,
                EventConstants.EVENT_TOPIC + "=" + ModelEvents.THING_REMOVED})
@Designate(ocd = CoapBindingComponent.Config.class)
public final class CoapBindingComponent implements ProtocolBinding, CoapBindingStatus, EventHandler {
    public static final String PID = "org.trusthub.binding.coap";
    private static final Logger LOG = LoggerFactory.getLogger(CoapBindingComponent.class);

    @ObjectClassDefinition(name = "trusthub CoAP binding",
            description = "CoAP (RFC 7252) with DTLS 1.2 and OSCORE for the hub's things; keys from the keystore.")
    public @interface Config {
        @AttributeDefinition(name = "Address", description = "Address the endpoints bind to. Loopback unless "
                + "things on the network must reach the hub.")
        String address() default "127.0.0.1";

        @AttributeDefinition(name = "CoAP port", description = "UDP port of the plain endpoint, which carries "
                + "OSCORE (-1: off, 0: any free port).", min = "-1", max = "65535")
        int port() default 5683;

        @AttributeDefinition(name = "CoAP over DTLS port", description = "UDP port of the DTLS endpoint "
                + "(-1: off, 0: any free port).", min = "-1", max = "65535")
        int securePort() default 5684;

        @AttributeDefinition(name = "OSCORE", description = "Accept OSCORE-protected requests on the plain endpoint.")
        boolean oscore() default true;

        @AttributeDefinition(name = "DTLS with PSK", description = "Accept DTLS handshakes with a pre-shared key "
                + "(identity: the thing id; key derived per thing from its root credential).")
        boolean dtlsPsk() default true;

        @AttributeDefinition(name = "DTLS with raw public keys", description = "Accept DTLS handshakes with "
                + "raw public keys (the key of the thing's enrolled root certificate).")
        boolean dtlsRawPublicKey() default true;

        @AttributeDefinition(name = "DTLS with X.509 certificates", description = "Accept DTLS handshakes with "
                + "X.509 certificates, whose chain must reach a trust anchor added for dtls.")
        boolean dtlsX509() default true;

        @AttributeDefinition(name = "DTLS connection ID length", description = "RFC 9146 connection ID length in "
                + "bytes (0: off).", min = "0", max = "16")
        int dtlsConnectionIdLength() default 6;

        @AttributeDefinition(name = "DTLS connections", description = "Most DTLS connections kept.", min = "1")
        int dtlsMaxConnections() default 10_000;

        @AttributeDefinition(name = "Registrations", description = "Most resource directory registrations.",
                min = "1")
        int maxRegistrations() default 1_000;

        @AttributeDefinition(name = "Read timeout", description = "Milliseconds the hub waits for a thing.",
                min = "100")
        long readTimeoutMillis() default 5_000;
    }

    private final Providers providers = new Providers();
    private final ThingsResource thingsResource;
    private final BridgedWrites bridgedWrites = new BridgedWrites();
    private final ResourceDirectory directory;
    private final ThingReader reader;
    private final CoapServer server;
    private final CoapEndpoint plain;
    private final SecureEndpoint secure;
    private final Contributions contributions;
    private volatile boolean stopped;

    /**
     * The binding as the framework makes it: DTLS, OSCORE, the security policy, the refusal count and the model's
     * values arrive (and go, and are replaced) through dynamic references after it is up (the {@code bind...}
     * methods); until they do, their traffic is refused.
     */
    @Activate
    public CoapBindingComponent(@Reference ThingRegistry registry, Config config) throws IOException {
        boolean up = false;
        CoapServer made = null;
        try {

            InetAddress address = address(config.address());
            checkPort("port", config.port());
            checkPort("securePort", config.securePort());
            if (config.port() < 0 && config.securePort() < 0) {
                throw new IllegalArgumentException(PID + ": both port and securePort are off");
            }
            this.directory = new ResourceDirectory(config.maxRegistrations(), Clock.systemUTC());
            SwappableOscoreDb oscoreDb = new SwappableOscoreDb(providers);
            this.reader = new ThingReader(directory, providers, oscoreDb, config.readTimeoutMillis());
            Configuration configuration = configuration();
            Callers callers = new Callers(registry, providers, config.oscore());
            made = new CoapServer(configuration);
            this.server = made;
            if (config.port() >= 0) {
                CoapEndpoint.Builder builder = new CoapEndpoint.Builder().setConfiguration(configuration)
                        .setInetSocketAddress(new InetSocketAddress(address, config.port()));
                if (config.oscore()) {
                    builder.setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(oscoreDb);
                }
                plain = builder.build();
                server.addEndpoint(plain);
            } else {
                plain = null;
            }
            this.contributions = new Contributions(server, callers);
            this.thingsResource = new ThingsResource(callers, providers, bridgedWrites);
            server.add(new HubResource(callers), thingsResource,
                    new RdResource(directory, callers, r -> { }), new RdLookupResource(directory, callers, providers));
            server.start();
            if (config.securePort() >= 0 && (config.dtlsPsk() || config.dtlsRawPublicKey() || config.dtlsX509())) {
                secure = new SecureEndpoint(server, configuration, new DtlsServerOptions(new InetSocketAddress(address,
                        config.securePort()), config.dtlsPsk(), config.dtlsRawPublicKey(), config.dtlsX509(),
                        config.dtlsConnectionIdLength(), config.dtlsMaxConnections()), providers);
            } else {
                secure = null;
            }
            LOG.info("CoAP binding up: plain {} (OSCORE {}), DTLS {}", plainAddress().orElse(null),
                    config.oscore() ? "on" : "off", secure == null ? "off" : "on when a DTLS provider runs");
            up = true;
        } finally {
            if (!up) {
                if (made != null) {
                    made.destroy();
                }
            }
        }
    }

    // The providers, the policy, the refusal count and the model's values: optional, dynamic, greedy. A replacement
    // is bound before the one it replaces is unbound, so each unbind checks it is still the one in use.

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindDtls(DtlsServers dtls) {
        synchronized (providers) {
            providers.dtls(dtls);
            if (secure != null) {
                try {
                    secure.open(dtls);
                } catch (RuntimeException e) {
                    LOG.error("CoAP over DTLS not served: {}", e.getMessage());
                }
            }
        }
    }

    public void unbindDtls(DtlsServers dtls) {
        synchronized (providers) {
            if (providers.isDtls(dtls)) {
                providers.dtls(null);
                if (secure != null) {
                    secure.close();
                }
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindOscore(OscoreContexts oscore) {
        synchronized (providers) {
            providers.oscore(oscore);
        }
    }

    public void unbindOscore(OscoreContexts oscore) {
        synchronized (providers) {
            if (providers.isOscore(oscore)) {
                providers.oscore(null);
                if (!stopped) {
                    LOG.warn("No OSCORE provider: OSCORE requests refused until one is running");
                }
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindPolicy(SecurityPolicy policy) {
        synchronized (providers) {
            providers.policy(policy);
        }
    }

    public void unbindPolicy(SecurityPolicy policy) {
        synchronized (providers) {
            if (providers.isPolicy(policy)) {
                providers.policy(null);
                if (!stopped) {
                    LOG.warn("No security policy: every CoAP request refused until one is running");
                }
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindRefusals(SecurityRefusals refusals) {
        synchronized (providers) {
            providers.refusals(refusals);
        }
    }

    public void unbindRefusals(SecurityRefusals refusals) {
        synchronized (providers) {
            if (providers.isRefusals(refusals)) {
                providers.refusals(null);
            }
        }
    }

    /** The thing model's values arrive: {@code /things} is served from them, and their changes reach observers. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindValues(RawValues values) {
        synchronized (providers) {
            Optional<RawValues> before = providers.values();
            values.listen(thingsResource.changes);
            providers.values(values);
            before.ifPresent(b -> b.unlisten(thingsResource.changes));
        }
    }

    public void unbindValues(RawValues values) {
        synchronized (providers) {
            if (providers.isValues(values)) {
                values.unlisten(thingsResource.changes);
                providers.values(null);
                if (!stopped) {
                    LOG.warn("No thing model: /things requests answered 5.03 until it runs again");
                }
            }
        }
    }

    /**
     * The thing model arrives: the things of every other binding are served under {@code /things} through it, and
     * listed in the resource directory's lookup.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindModel(ThingModelRegistry model) {
        synchronized (providers) {
            providers.model(model);
        }
    }

    public void unbindModel(ThingModelRegistry model) {
        synchronized (providers) {
            if (providers.isModel(model)) {
                providers.model(null);
            }
        }
    }

    /**
     * A change in the thing model: the observers of a property of another binding's thing are told (each notification
     * is authorized again). A CoAP thing's values tell their observers through {@link RawValues} already.
     */
    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(ModelEvents.THING) instanceof String id) || !ThingId.isValid(id)
                || Callers.PROTOCOL.equals(event.getProperty(ModelEvents.BINDING))) {
            return;
        }
        ThingId thing = ThingId.of(id);
        if (ModelEvents.PROPERTY_CHANGED.equals(event.getTopic())
                && event.getProperty(ModelEvents.PROPERTY) instanceof String property) {
            thingsResource.notifyObservers(thing, property);
        } else {
            thingsResource.notifyObservers(thing);
        }
    }

    public static Configuration configuration() {
        Configuration c = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS, DtlsConfig.DEFINITIONS);
        // Bounded state against floods of requests from spoofed addresses.
        c.set(CoapConfig.MAX_ACTIVE_PEERS, 10_000);
        c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, 8192);
        c.set(CoapConfig.MAX_MESSAGE_SIZE, 1024);
        c.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 2);
        return c;
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text.trim());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(PID + ": address '" + text + "' is not an IP address or known host");
        }
    }

    private static void checkPort(String name, int port) {
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException(PID + ": " + name + " must be -1 (off) or 0 to 65535, not " + port);
        }
    }

    @Deactivate
    public void deactivate() {
        stopped = true;
        contributions.clear();
        if (secure != null) {
            secure.destroy();
        }
        server.destroy();
        bridgedWrites.shutdown();
        providers.values().ifPresent(v -> v.unlisten(thingsResource.changes));
    }

    /** Another bundle's resources arrive (whiteboard); served until they go, unless their prefix is taken. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addContribution(ServiceReference<CoapContribution> reference, CoapContribution contribution) {
        contribute(contribution, owner(reference));
    }

    void removeContribution(CoapContribution contribution) {
        contributions.remove(contribution);
    }

    /** Adds a contribution on behalf of {@code owner} (a bundle's name in OSGi, a test's name in tests). */
    public boolean contribute(CoapContribution contribution, String owner) {
        return contributions.add(contribution, owner);
    }

    private static String owner(ServiceReference<?> reference) {
        org.osgi.framework.Bundle bundle = reference == null ? null : reference.getBundle();
        return bundle == null ? "an unknown bundle" : bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
    }

    @Override
    public List<ContributionView> contributions() {
        return contributions.views();
    }

    // ProtocolBinding

    @Override
    public String protocol() {
        return "coap";
    }

    @Override
    public boolean isSimulated() {
        return false;
    }

    @Override
    public Set<ThingId> things() {
        Set<ThingId> things = new LinkedHashSet<>();
        directory.all().forEach(r -> things.add(r.thing()));
        providers.oscore().ifPresent(o -> things.addAll(o.things()));
        return things;
    }

    /**
     * Ends everything the binding holds for the thing: its DTLS sessions, its OSCORE context, its registration and
     * its observations. Its values are the model's, which forgets them when the thing is decommissioned. Idempotent,
     * and safe for a thing the binding never saw.
     */
    @Override
    public void release(ThingId thing) {
        providers.dtls().ifPresent(d -> d.closeSessions(thing));
        providers.oscore().ifPresent(o -> o.drop(thing));
        directory.remove(thing);
        reader.forget(thing);
        LOG.info("CoAP binding released {}: DTLS sessions closed, OSCORE context dropped, registration removed",
                thing);
    }

    // Status for the shell

    @Override
    public List<ThingView> views() {
        List<ThingView> views = new ArrayList<>();
        for (ThingId thing : things()) {
            Optional<Registration> r = directory.of(thing);
            views.add(new ThingView(thing, r.map(x -> x.by().mechanism()).orElse("oscore"),
                    r.map(x -> x.peer().toString()).orElse("-"), r.map(x -> x.links().size()).orElse(0),
                    providers.dtls().map(d -> d.openSessions(thing)).orElse(0),
                    providers.oscore().map(o -> o.things().contains(thing)).orElse(false), values(thing).size(),
                    reader.observing(thing), r.map(x -> x.expires().toString()).orElse("-")));
        }
        return views;
    }

    @Override
    public Optional<Registration> registration(ThingId thing) {
        return directory.of(thing);
    }

    @Override
    public SortedMap<String, RawValue> values(ThingId thing) {
        return providers.values().map(v -> v.values(thing)).orElseGet(TreeMap::new);
    }

    @Override
    public Optional<InetSocketAddress> plainAddress() {
        return Optional.ofNullable(plain).map(Endpoint::getAddress);
    }

    @Override
    public Optional<InetSocketAddress> secureAddress() {
        return secure == null ? Optional.empty() : secure.address();
    }

    @Override
    public String read(ThingId thing, String path) {
        Optional<CoapResponse> r = reader.read(thing, path);
        return r.map(response -> response.getCode() + " " + response.getResponseText()).orElse("no answer");
    }

    @Override
    public void observe(ThingId thing, String path) {
        reader.observe(thing, path);
    }
}
