package org.trusthub.web.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;

import org.apache.karaf.jaas.config.JaasRealm;
import org.apache.karaf.jaas.modules.BackingEngineFactory;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.HubIdentityStore;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.model.ModelEvents;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.security.SecurityStatus;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.event.TrustHubEvents;

/**
 * The web server of the hub: REST API and dashboard on the configured address. HTTP only on a loopback address
 * (unless {@code https} is set); anywhere else HTTPS with the hub identity, and without the hub identity it does not
 * start. Its events come from EventAdmin (lifecycle, keys, model).
 */
@Component(immediate = true, configurationPid = WebComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = { EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.LIFECYCLE_ALL,
                EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.KEYSTORE_ALL,
                EventConstants.EVENT_TOPIC + "=" + ModelEvents.ALL })
@Designate(ocd = WebConfig.class)
public class WebComponent implements EventHandler {

    static final String PID = "org.trusthub.web";
    static final String REALM = "karaf";
    private static final Logger LOG = LoggerFactory.getLogger(WebComponent.class);

    final HubServices hub = new HubServices();
    final PolicyRules policyRules = new PolicyRules();
    final EventFeed events = new EventFeed();

    /** Static: when the keystore comes (back), the server restarts with HTTPS where it needs it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.STATIC,
            policyOption = ReferencePolicyOption.GREEDY)
    HubIdentityStore identity;

    private final List<JaasRealm> realms = new CopyOnWriteArrayList<>();
    private final List<BackingEngineFactory> backingEngines = new CopyOnWriteArrayList<>();
    /** Who the first start asks whether an admin exists; tests set their own before {@link #routes}. */
    AccountAdmin accountAdmin = new JaasAccountAdmin(REALM, realms, backingEngines);
    SetupLink setupLink = new SetupLink(Clock.systemUTC(), new SecureRandom());
    SetupApi setup;
    /** The loopback URL of the server while the first start has not yet decided on a setup link. */
    private volatile String setupBase;

    private WebServer server;
    private Sessions sessions;

    @Activate
    void activate(WebConfig config) throws Exception {
        Settings settings = Settings.of(config);
        SSLContext tls = null;
        if (settings.https()) {
            HubIdentityStore id = identity;
            if (id == null) {
                throw new IllegalStateException("web: HTTPS on " + settings.address().getHostAddress()
                        + " needs the hub identity, and the keystore is not running");
            }
            tls = TlsContexts.of(id.hubIdentity());
        }
        sessions = new Sessions(settings.session(), Clock.systemUTC());
        Router router = routes(new JaasAccounts(REALM), sessions, new LoginGuard(settings.loginFailuresPerMinute(),
                settings.loginFailuresPerMinuteTotal(), Duration.ofMinutes(1), System::nanoTime), Clock.systemUTC());
        server = new WebServer(new InetSocketAddress(settings.address(), settings.port()), tls, router, sessions,
                new StaticFiles(), settings.hostNames(), WebServer.REQUEST_THREADS);
        String url = (tls != null ? "https://" : "http://") + host(settings.address()) + ":" + server.port() + "/";
        LOG.info("trusthub dashboard and REST API at {}: log in with a Karaf account that has the role viewer or "
                + "admin; there is no default account: in the console, jaas:realm-manage --realm karaf --module "
                + "org.apache.karaf.jaas.modules.properties.PropertiesLoginModule, jaas:user-add NAME PASSWORD, "
                + "jaas:role-add NAME admin (or viewer), jaas:update", url);
        // The setup link is for a person at the hub: only where 127.0.0.1 reaches the server.
        if (settings.address().isLoopbackAddress() || settings.address().isAnyLocalAddress()) {
            setupBase = (tls != null ? "https://" : "http://") + "127.0.0.1:" + server.port() + "/";
            announceSetup();
        }
    }

    /** Shows the setup link once it is known whether an admin exists (Karaf's realm may come after this bundle). */
    private void announceSetup() {
        synchronized (setupLink) {
            String base = setupBase;
            if (base != null && setup != null
                    && setup.announce(base, System.out::println) != SetupApi.Announcement.UNKNOWN) {
                setupBase = null;
            }
        }
    }

    /** The routes of the API on these services. */
    Router routes(Accounts accounts, Sessions sessions, int loginFailuresPerMinute, Clock clock) {
        return routes(accounts, sessions, new LoginGuard(loginFailuresPerMinute, 100, Duration.ofMinutes(1),
                System::nanoTime), clock);
    }

    /** The routes of the API on these services. */
    Router routes(Accounts accounts, Sessions sessions, LoginGuard guard, Clock clock) {
        Router router = new Router();
        new AccessApi(accounts, sessions, guard).routes(router);
        setup = new SetupApi(accountAdmin, setupLink, sessions);
        setup.routes(router);
        new ThingsApi(hub, events, clock).routes(router);
        new HubApi(hub, events, sessions, policyRules).routes(router);
        return router;
    }

    private static String host(InetAddress a) {
        String h = a.getHostAddress();
        return h.contains(":") ? "[" + h + "]" : h;
    }

    @Deactivate
    void deactivate() {
        setupBase = null;
        setupLink.revoke();
        events.close();
        if (server != null) {
            server.stop();
        }
        if (sessions != null) {
            sessions.closeAll();
        }
    }

    @Override
    public void handleEvent(Event event) {
        events.post(event.getTopic(), event::getProperty);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetRegistry")
    void setRegistry(ThingRegistry r) {
        hub.registry = r;
    }

    void unsetRegistry(ThingRegistry r) {
        if (hub.registry == r) {
            hub.registry = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetKeyStore")
    void setKeyStore(ThingKeyStore k) {
        hub.keyStore = k;
        hub.trustAnchors = k;
    }

    void unsetKeyStore(ThingKeyStore k) {
        if (hub.keyStore == k) {
            hub.keyStore = null;
            hub.trustAnchors = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetModel")
    void setModel(ThingModelRegistry m) {
        hub.model = m;
    }

    void unsetModel(ThingModelRegistry m) {
        if (hub.model == m) {
            hub.model = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetStatus")
    void setStatus(SecurityStatus s) {
        hub.status = s;
    }

    void unsetStatus(SecurityStatus s) {
        if (hub.status == s) {
            hub.status = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetRefusals")
    void setRefusals(SecurityRefusals r) {
        hub.refusals = r;
    }

    void unsetRefusals(SecurityRefusals r) {
        if (hub.refusals == r) {
            hub.refusals = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetGroups")
    void setGroups(GroupKeyService g) {
        hub.groups = g;
    }

    void unsetGroups(GroupKeyService g) {
        if (hub.groups == g) {
            hub.groups = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetConfigAdmin")
    void setConfigAdmin(ConfigurationAdmin c) {
        policyRules.configAdmin = c;
    }

    void unsetConfigAdmin(ConfigurationAdmin c) {
        if (policyRules.configAdmin == c) {
            policyRules.configAdmin = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetZigbee",
            service = org.trusthub.binding.zigbee.spi.ZigbeeBridge.class)
    void setZigbee(Object bridge) {
        hub.zigbee = bridge;
    }

    void unsetZigbee(Object bridge) {
        if (hub.zigbee == bridge) {
            hub.zigbee = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeRealm")
    void addRealm(JaasRealm r) {
        realms.add(r);
        announceSetup();
    }

    void removeRealm(JaasRealm r) {
        realms.remove(r);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeBackingEngine")
    void addBackingEngine(BackingEngineFactory f) {
        backingEngines.add(f);
        announceSetup();
    }

    void removeBackingEngine(BackingEngineFactory f) {
        backingEngines.remove(f);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeBinding")
    void addBinding(ProtocolBinding b) {
        hub.bindings.add(b);
    }

    void removeBinding(ProtocolBinding b) {
        hub.bindings.remove(b);
    }
}
