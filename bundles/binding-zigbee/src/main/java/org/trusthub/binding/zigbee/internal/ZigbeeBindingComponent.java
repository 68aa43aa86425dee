package org.trusthub.binding.zigbee.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.binding.zigbee.spi.CoordinatorRadio;
import org.trusthub.binding.zigbee.spi.JoinPolicy;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;

/**
 * Starts the ZigBee bridge from its configuration on a coordinator radio and registers it: {@link ProtocolBinding}
 * ({@code trusthub.protocol=zigbee}, {@code trusthub.simulated}), {@link ZigbeeBridge} and the model's
 * {@link org.trusthub.api.model.PropertyProvider}. Registered by hand because whether it is simulated is only known
 * once the radio is.
 *
 * <p>
 * The radio is the configured dongle ({@code serialPort}) when there is one; otherwise a {@link CoordinatorRadio}
 * service (the SIMULATED coordinator of bundle {@code org.trusthub.binding.zigbee.simulator}). With neither, the
 * bridge is not registered and says in the log that it waits; it starts when a radio service comes, and stops when the
 * radio it runs on goes.
 *
 * <p>
 * The NWK and APS providers, the security policy and the refusal count are dynamic references: when one is replaced
 * the running network takes the new one for the next frame, and while one is absent the traffic that needs it is
 * refused (counted) and the joined devices stay joined. The network starts once both providers are there. A
 * decommission from anywhere reaches the bridge through {@link ProtocolBinding#release}, which the lifecycle
 * dispatcher calls.
 */
@Component(service = {}, immediate = true, configurationPid = "org.trusthub.binding.zigbee",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ZigbeeConfig.class)
public final class ZigbeeBindingComponent {

    private static final Logger LOG = LoggerFactory.getLogger(ZigbeeBindingComponent.class);

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final SecurityServices security = new SecurityServices();
    @Reference
    private ThingRegistry registry;
    @Reference
    private ThingKeyStore keystore;
    private BundleContext context;
    private ZigbeeConfig config;
    private volatile ZigbeeNetwork network;
    private Settings settings;
    /** The registered coordinator radio, used when no dongle is configured. */
    private volatile CoordinatorRadio radio;
    /** The registered radio the running network is on, or null (none, or a dongle). */
    private CoordinatorRadio runningOn;

    /** What the network is made from; an update that changes none of it keeps the running network. */
    record Settings(String serialPort, String dongleType, int baudRate, int channel, int panId, String extendedPanId,
            JoinPolicy joinPolicy) {
        static Settings of(ZigbeeConfig c) {
            return new Settings(c.serialPort().trim(), c.dongleType().trim(), c.baudRate(), c.channel(), c.panId(),
                    c.extendedPanId().trim(), c.joinPolicy());
        }
    }

    public ZigbeeBindingComponent() {
    }

    /** For tests: the component as SCR sets it up before {@link #activate}. */
    ZigbeeBindingComponent(ThingRegistry registry, ThingKeyStore keystore) {
        this.registry = registry;
        this.keystore = keystore;
    }

    @Activate
    synchronized void activate(BundleContext context, ZigbeeConfig config) {
        this.context = context;
        this.config = config;
        start(config);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNwk(ZigbeeNwkSecurity nwk) {
        security.setNwk(nwk);
        startIfWaiting();
    }

    void unbindNwk(ZigbeeNwkSecurity nwk) {
        security.unsetNwk(nwk);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAps(ZigbeeApsSecurity aps) {
        security.setAps(aps);
        startIfWaiting();
    }

    void unbindAps(ZigbeeApsSecurity aps) {
        security.unsetAps(aps);
    }

    /* A radio that replaces the one the network runs on (greedy) restarts the network on it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindRadio(CoordinatorRadio radio) {
        this.radio = radio;
        if (context != null && runningOn != null && runningOn != radio) {
            stop();
            start(config);
        } else {
            startIfWaiting();
        }
    }

    synchronized void unbindRadio(CoordinatorRadio radio) {
        if (this.radio == radio) {
            this.radio = null;
        }
        if (runningOn == radio) {
            LOG.warn("ZigBee coordinator radio {} went away: the ZigBee bridge stops", radio.label());
            stop();
            if (context != null) {
                start(config);
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPolicy(SecurityPolicy policy) {
        security.setPolicy(policy);
    }

    void unbindPolicy(SecurityPolicy policy) {
        security.unsetPolicy(policy);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRefusals(SecurityRefusals refusals) {
        security.setRefusals(refusals);
    }

    void unbindRefusals(SecurityRefusals refusals) {
        security.unsetRefusals(refusals);
    }

    // The providers came after activation: the network waited for them.
    private synchronized void startIfWaiting() {
        if (context != null && network == null && settings == null) {
            start(config);
        }
    }

    /*
     * Karaf's file install hands every configuration update back once more (and applies a feature's etc/ file a
     * moment after the feature started); restarting the network for those would drop every joined device's session
     * with the stack and the simulated devices with it.
     */
    @Modified
    synchronized void modified(ZigbeeConfig config) {
        if (network != null && Settings.of(config).equals(settings)) {
            LOG.debug("ZigBee bridge configuration updated without a change: the network keeps running");
            return;
        }
        LOG.info("ZigBee bridge configuration changed: restarting the network");
        this.config = config;
        stop();
        start(config);
    }

    private synchronized void start(ZigbeeConfig config) {
        if (!security.providersPresent()) {
            LOG.warn("ZigBee bridge waiting for its NWK and APS security providers: it starts when both are there");
            return;
        }
        boolean dongle = !config.serialPort().isBlank();
        CoordinatorRadio registered = radio;
        if (!dongle && registered == null) {
            LOG.warn("ZigBee bridge NOT started, waiting for a coordinator radio: no dongle is configured (serialPort"
                    + " in org.trusthub.binding.zigbee) and no radio service is registered (the SIMULATED one comes"
                    + " with bundle org.trusthub.binding.zigbee.simulator)");
            return;
        }
        settings = Settings.of(config);
        long extendedPanId = extendedPanId(config, keystore);
        ZigbeeNetwork network;
        if (!dongle) {
            TrustCenter trustCenter = new TrustCenter(registry, keystore, security, extendedPanId,
                    config.joinPolicy(), Clock.systemUTC());
            try {
                network = ZigbeeNetwork.onRadio(trustCenter, registered, config.panId() & 0x3FFF, extendedPanId,
                        config.channel());
            } catch (IllegalStateException e) {
                LOG.error("ZigBee bridge NOT started: {}", e.getMessage());
                return;
            }
            runningOn = registered;
            if (registered.isSimulated()) {
                LOG.warn("ZigBee bridge running on a {} (trusthub.simulated=true): no real ZigBee device is"
                        + " reachable. Network {} key sequence {}, join policy {}", registered.label(),
                        trustCenter.network(), trustCenter.keySequence(), trustCenter.policy());
            } else {
                LOG.info("ZigBee bridge running on {}. Network {} key sequence {}, join policy {}", registered.label(),
                        trustCenter.network(), trustCenter.keySequence(), trustCenter.policy());
            }
        } else {
            try {
                DongleRadio radio = DongleRadio.serial(config.dongleType(), config.serialPort(), config.baudRate());
                network = ZigbeeNetwork.openDongle(() -> new TrustCenter(registry, keystore, security, extendedPanId,
                        config.joinPolicy(), Clock.systemUTC()), radio, config.panId() & 0x3FFF, extendedPanId,
                        config.channel());
            } catch (IllegalArgumentException | IllegalStateException e) {
                LOG.error("ZigBee bridge NOT started: {}", e.getMessage());
                return;
            } catch (NoClassDefFoundError e) {
                LOG.error("ZigBee bridge NOT started: dongle '{}' on {} needs the dongle drivers and serial port;"
                        + " install feature trusthub-zigbee-dongle ({} missing)", config.dongleType(),
                        config.serialPort(), e.getMessage());
                return;
            }
            TrustCenter trustCenter = network.trustCenter();
            LOG.info("ZigBee bridge running on dongle '{}' at {}. Network {} key sequence {}, join policy {}",
                    config.dongleType(), config.serialPort(), trustCenter.network(), trustCenter.keySequence(),
                    trustCenter.policy());
        }
        this.network = network;
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(ProtocolBinding.PROTOCOL, "zigbee");
        props.put(ProtocolBinding.SIMULATED, network.isSimulated());
        registrations.add(context.registerService(new String[] {ProtocolBinding.class.getName(),
                ZigbeeBridge.class.getName()}, network, props));
        registrations.add(context.registerService(org.trusthub.api.model.PropertyProvider.class,
                new ZigbeeProperties(network), props));
    }

    @Deactivate
    synchronized void deactivate() {
        context = null;
        stop();
    }

    private void stop() {
        settings = null;
        runningOn = null;
        registrations.forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it already
            }
        });
        registrations.clear();
        ZigbeeNetwork n = network;
        network = null;
        if (n != null) {
            n.close();
        }
    }

    // A stable extended PAN id: configured, or the first 8 bytes of SHA-256 of the hub certificate.
    private static long extendedPanId(ZigbeeConfig config, ThingKeyStore keystore) {
        String configured = config.extendedPanId().trim();
        if (!configured.isEmpty()) {
            if (!configured.matches("[0-9a-fA-F]{16}")) {
                throw new IllegalArgumentException("extendedPanId must be 16 hex digits");
            }
            return Long.parseUnsignedLong(configured, 16);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(keystore.hubIdentity().certificate().getEncoded());
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = v << 8 | (h[i] & 0xFF);
            }
            return v;
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot derive the extended PAN id: " + e.getMessage(), e);
        }
    }
}
