package org.trusthub.binding.coap.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

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
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
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
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.storage.StoreException;
import org.trusthub.binding.coap.spi.CoapContribution;
import org.trusthub.security.oscore.OscoreContexts;
import org.trusthub.security.transport.dtls.DtlsServerOptions;
import org.trusthub.security.transport.dtls.DtlsServers;

/**
 * The CoAP binding: Californium in the hub with a plain endpoint (where OSCORE runs) and a DTLS endpoint, the hub's
 * resources, a resource directory, and reads and observations of things' resources. Only operational things are
 * served; when a thing leaves the operational state, or its keys are rotated or revoked, its DTLS sessions, OSCORE
 * context, registration and observations end at once. Configuration PID {@value #PID}.
 */
@Component(service = {ProtocolBinding.class, EventHandler.class, CoapBindingStatus.class, CoapThingValues.class},
        configurationPid = CoapBindingComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, property = {ProtocolBinding.PROTOCOL + "=coap", ProtocolBinding.SIMULATED + ":Boolean=false",
                EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.LIFECYCLE_ALL,
                EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.KEYSTORE_ALL})
@Designate(ocd = CoapBindingComponent.Config.class)
public final class CoapBindingComponent implements ProtocolBinding, EventHandler, CoapBindingStatus,
        CoapThingValues {
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

        @AttributeDefinition(name = "DTLS with PSK")
        boolean dtlsPsk() default true;

        @AttributeDefinition(name = "DTLS with raw public keys")
        boolean dtlsRawPublicKey() default true;

        @AttributeDefinition(name = "DTLS with X.509 certificates")
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

        @AttributeDefinition(name = "Values directory", description = "Where the values things write to the hub"
                + " (/things/<thing>/<name>) and the values the hub sets for them are kept across restarts; empty"
                + " means ${karaf.data}/trusthub/coap. Values read or observed from things are not written to disk.")
        String valuesDirectory() default "";
    }

    private final ThingRegistry registry;
    private final DtlsServers dtls;
    private final OscoreContexts oscore;
    private final ThingModel model;
    private final ThingsResource thingsResource;
    private final ResourceDirectory directory;
    private final ThingReader reader;
    private final CoapServer server;
    private final CoapEndpoint plain;
    private final CoapEndpoint secure;
    private final Contributions contributions;

    @Activate
    public CoapBindingComponent(@Reference ThingRegistry registry, @Reference DtlsServers dtls,
            @Reference OscoreContexts oscore, Config config, BundleContext context) throws IOException {
        this(registry, dtls, oscore, config, openValues(valuesDirectory(config, context)));
    }

    /** Values in memory only: a restart forgets them (tests and benchmarks that do not restart). */
    public CoapBindingComponent(ThingRegistry registry, DtlsServers dtls, OscoreContexts oscore, Config config)
            throws IOException {
        this(registry, dtls, oscore, config, new ThingModel());
    }

    /** Values kept in {@code valuesDirectory} across restarts. */
    public CoapBindingComponent(ThingRegistry registry, DtlsServers dtls, OscoreContexts oscore, Config config,
            Path valuesDirectory) throws IOException {
        this(registry, dtls, oscore, config, openValues(valuesDirectory));
    }

    private CoapBindingComponent(ThingRegistry registry, DtlsServers dtls, OscoreContexts oscore, Config config,
            ThingModel model) throws IOException {
        this.model = model;
        boolean up = false;
        try {
            this.registry = registry;
            this.dtls = dtls;
            this.oscore = oscore;
            InetAddress address = address(config.address());
            checkPort("port", config.port());
            checkPort("securePort", config.securePort());
            if (config.port() < 0 && config.securePort() < 0) {
                throw new IllegalArgumentException(PID + ": both port and securePort are off");
            }
            this.directory = new ResourceDirectory(config.maxRegistrations(), Clock.systemUTC());
            this.reader = new ThingReader(directory, model, oscore, config.readTimeoutMillis());
            Configuration configuration = configuration();
            Callers callers = new Callers(registry, dtls, config.oscore() ? oscore : null);
            this.server = new CoapServer(configuration);
            if (config.port() >= 0) {
                CoapEndpoint.Builder builder = new CoapEndpoint.Builder().setConfiguration(configuration)
                        .setInetSocketAddress(new InetSocketAddress(address, config.port()));
                if (config.oscore()) {
                    builder.setCoapStackFactory(new OSCoreCoapStackFactory())
                            .setCustomCoapStackArgument(oscore.database());
                }
                plain = builder.build();
                server.addEndpoint(plain);
            } else {
                plain = null;
            }
            if (config.securePort() >= 0 && (config.dtlsPsk() || config.dtlsRawPublicKey() || config.dtlsX509())) {
                secure = new CoapEndpoint.Builder().setConfiguration(configuration)
                        .setConnector(dtls.newServer(new DtlsServerOptions(new InetSocketAddress(address,
                                config.securePort()), config.dtlsPsk(), config.dtlsRawPublicKey(), config.dtlsX509(),
                                config.dtlsConnectionIdLength(), config.dtlsMaxConnections())))
                        .build();
                server.addEndpoint(secure);
            } else {
                secure = null;
            }
            this.contributions = new Contributions(server, callers);
            this.thingsResource = new ThingsResource(callers, model);
            server.add(new HubResource(callers), thingsResource,
                    new RdResource(directory, callers, r -> { }), new RdLookupResource(directory, callers));
            server.start();
            LOG.info("CoAP binding up: plain {} (OSCORE {}), DTLS {}", plainAddress().orElse(null),
                    config.oscore() ? "on" : "off", secureAddress().orElse(null));
            up = true;
        } finally {
            if (!up) {
                model.close();
            }
        }
    }

    static Path valuesDirectory(Config c, BundleContext context) {
        if (c != null && c.valuesDirectory() != null && !c.valuesDirectory().isBlank()) {
            return Path.of(c.valuesDirectory().strip());
        }
        String data = context == null ? null : context.getProperty("karaf.data");
        return data == null ? null : Path.of(data, "trusthub", "coap");
    }

    // A store that cannot be opened stops the binding: serving without it would lose what things wrote before.
    private static ThingModel openValues(Path directory) {
        if (directory == null) {
            LOG.warn("No CoAP values directory (valuesDirectory and karaf.data unset): values things write to the hub"
                    + " are kept in memory only");
            return new ThingModel();
        }
        try {
            return ThingModel.open(directory);
        } catch (StoreException e) {
            throw new IllegalStateException("CoAP values in " + directory + " cannot be opened: " + e.getMessage(), e);
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
        contributions.clear();
        server.destroy();
        model.close();
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
        things.addAll(oscore.things());
        return things;
    }

    @Override
    public void release(ThingId thing) {
        dtls.closeSessions(thing);
        oscore.drop(thing);
        directory.remove(thing);
        reader.forget(thing);
        LOG.info("CoAP binding released {}: DTLS sessions closed, OSCORE context dropped, registration removed",
                thing);
    }

    // Lifecycle

    @Override
    public void handleEvent(Event event) {
        Object id = event.getProperty(TrustHubEvents.THING);
        if (!(id instanceof String text) || !ThingId.isValid(text)) {
            return;
        }
        ThingId thing = ThingId.of(text);
        String topic = event.getTopic();
        if (topic.startsWith(TrustHubEvents.LIFECYCLE_TOPIC_PREFIX)) {
            if (!LifecycleState.OPERATIONAL.name().equals(event.getProperty(TrustHubEvents.TO_STATE))) {
                release(thing);
                if (LifecycleState.DECOMMISSIONED.name().equals(event.getProperty(TrustHubEvents.TO_STATE))) {
                    model.forget(thing);
                }
            }
        } else if (topic.equals(TrustHubEvents.KEYS_REVOKED)) {
            release(thing);
            model.forget(thing);
        } else if (topic.equals(TrustHubEvents.KEYS_ROTATED)) {
            Object layer = event.getProperty(TrustHubEvents.LAYER);
            if (layer == null || "TRANSPORT".equals(layer)) {
                dtls.closeSessions(thing);
            }
            if (layer == null || "APPLICATION".equals(layer)) {
                oscore.drop(thing);
            }
            // Its registration names a session or context that is gone: the thing registers again.
            directory.remove(thing);
            reader.forget(thing);
        }
    }

    // Status for the shell

    @Override
    public List<ThingView> views() {
        List<ThingView> views = new ArrayList<>();
        for (ThingId thing : things()) {
            Optional<Registration> r = directory.of(thing);
            views.add(new ThingView(thing, r.map(Registration::mode).orElse("oscore"),
                    r.map(x -> x.peer().toString()).orElse("-"), r.map(x -> x.links().size()).orElse(0),
                    dtls.openSessions(thing), oscore.things().contains(thing), model.all(thing).size(),
                    reader.observing(thing), r.map(x -> x.expires().toString()).orElse("-")));
        }
        return views;
    }

    @Override
    public Optional<Registration> registration(ThingId thing) {
        return directory.of(thing);
    }

    @Override
    public SortedMap<String, ThingModel.Value> values(ThingId thing) {
        return model.all(thing);
    }

    @Override
    public Set<ThingId> valueOwners() {
        return model.things();
    }

    @Override
    public void listen(ThingModel.Listener listener) {
        model.listen(listener);
    }

    @Override
    public void unlisten(ThingModel.Listener listener) {
        model.unlisten(listener);
    }

    @Override
    public void hubWrite(ThingId thing, String name, byte[] bytes, int contentFormat) {
        model.put(thing, name, bytes, contentFormat, ThingModel.HUB);
        thingsResource.notifyObservers(thing, name);
    }

    @Override
    public Optional<InetSocketAddress> plainAddress() {
        return Optional.ofNullable(plain).map(Endpoint::getAddress);
    }

    @Override
    public Optional<InetSocketAddress> secureAddress() {
        return Optional.ofNullable(secure).map(Endpoint::getAddress);
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
