package org.trusthub.offload.internal.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
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
import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.offload.IssuedToken;
import org.trusthub.api.offload.KeyDistributionService;
import org.trusthub.api.offload.OffloadStatistics;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.offload.TokenService;
import org.trusthub.api.offload.VerificationService;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.storage.StoreException;

/**
 * The offload services as one DS component: configuration, the keystore and the registry around {@link OffloadHub}.
 * It is also the application-layer {@link SecurityProvider} {@value Stats#MECHANISM}: the lifecycle dispatcher calls
 * {@link #forget} when a thing leaves service, its keys are revoked or its application keys rotate.
 */
@Component(service = {TokenService.class, VerificationService.class, KeyDistributionService.class,
    GroupKeyService.class, OffloadStatistics.class, SecurityProvider.class}, configurationPid = OffloadComponent.PID,
        immediate = true, property = {SecurityProvider.LAYER + "=APPLICATION",
            SecurityProvider.MECHANISM + "=" + Stats.MECHANISM})
@Designate(ocd = OffloadComponent.Config.class)
public class OffloadComponent implements TokenService, VerificationService, KeyDistributionService, GroupKeyService,
        OffloadStatistics, SecurityProvider, HubDetails {

    public static final String PID = "org.trusthub.offload";
    private static final Logger LOG = LoggerFactory.getLogger(OffloadComponent.class);

    @ObjectClassDefinition(name = "trusthub offload services",
            description = "Lifetimes of what the hub hands out, the group epoch window and the signature policy.")
    public @interface Config {
        @AttributeDefinition(name = "Token lifetime (s)", min = "60", max = "604800",
                description = "How long an access token (and the channel it keys) lives.")
        long tokenLifetimeSeconds() default 3600;

        @AttributeDefinition(name = "Pairwise key lifetime (s)", min = "60", max = "2592000",
                description = "How long a pairwise key and its ticket live.")
        long pairwiseLifetimeSeconds() default 28800;

        @AttributeDefinition(name = "Group epoch window", min = "1", max = "16",
                description = "How many epoch keys of each group are kept (current one included), so members switch "
                        + "over without a flag day.")
        int epochWindow() default 2;

        @AttributeDefinition(name = "Signature algorithms",
                description = "JCA names accepted for signatures, certificates and CRLs in verification offload.")
        String[] signatureAlgorithms() default {"SHA256withECDSA", "SHA384withECDSA", "Ed25519", "SHA256withRSA",
            "SHA384withRSA"};

        @AttributeDefinition(name = "Minimum RSA key size (bits)", description = "Shortest RSA key accepted in "
                + "signatures and certificates, in bits.", min = "2048")
        int minRsaBits() default 2048;

        @AttributeDefinition(name = "CRL directory",
                description = "Directory of DER or PEM revocation lists (*.crl, *.pem) used by verification offload; "
                        + "empty means ${karaf.etc}/trusthub/crl. A chain whose issuer has no CRL there is invalid.")
        String crlDirectory() default "";

        @AttributeDefinition(name = "State directory",
                description = "Where the hub records issued tokens and groups so a restart loses neither (request "
                        + "sequence marks are the keystore's replay marks); empty means "
                        + "${karaf.data}/trusthub/offload. No key is stored there.")
        String stateDirectory() default "";
    }

    @Reference
    ThingKeyStore keystore;

    @Reference
    ThingRegistry registry;

    // Asked on every token and pairwise key request; swapped without restarting offload. Absent: refused (POLICY).
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityPolicy policy;

    // Every refusal is also counted there; swapped or absent without restarting offload (then counted here only).
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityRefusals securityRefusals;

    // Tests set a clock of their own; DS leaves the system clock.
    Clock clock = Clock.systemUTC();

    private OffloadHub hub;
    private Path stateDirectory;

    @Activate
    void activate(Config config, BundleContext context) {
        stateDirectory = stateDirectory(config, context);
        OffloadState state;
        if (stateDirectory == null) {
            LOG.warn("No state directory (karaf.data unset): a restart forgets issued tokens and groups");
            state = OffloadState.inMemory();
        } else {
            // A store that cannot be opened fails activation: serving with empty replay state would accept old
            // requests again.
            try {
                state = OffloadState.open(stateDirectory, clock);
            } catch (StoreException e) {
                throw new IllegalStateException("offload state in " + stateDirectory + " cannot be opened: "
                        + e.getMessage(), e);
            }
        }
        hub = new OffloadHub(keystore, registry, clock, settings(config), state);
        hub.policy(() -> policy);
        hub.refusals(() -> securityRefusals);
        hub.revocationLists(loadCrls(crlDirectory(config, context)));
        LOG.info("Offload services started: tokens live {} s, pairwise keys {} s, epoch window {}",
                config.tokenLifetimeSeconds(), config.pairwiseLifetimeSeconds(), config.epochWindow());
    }

    @Deactivate
    void deactivate() {
        if (hub != null) {
            hub.close();
            hub = null;
        }
    }

    @Modified
    void modified(Config config, BundleContext context) {
        if (!java.util.Objects.equals(stateDirectory, stateDirectory(config, context))) {
            // Another store: start over from it (groups re-key, as after a restart).
            deactivate();
            activate(config, context);
            return;
        }
        hub.update(settings(config));
        hub.revocationLists(loadCrls(crlDirectory(config, context)));
    }

    static OffloadHub.Settings settings(Config c) {
        return new OffloadHub.Settings(Duration.ofSeconds(c.tokenLifetimeSeconds()),
                Duration.ofSeconds(c.pairwiseLifetimeSeconds()), c.epochWindow(),
                algorithms(c.signatureAlgorithms()), c.minRsaBits());
    }

    /** A .cfg line {@code a,b,c} arrives as one string: accept both that and a real array. */
    static Set<String> algorithms(String[] configured) {
        return Arrays.stream(configured).flatMap(a -> Arrays.stream(a.split(","))).map(String::strip)
                .filter(a -> !a.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    static Path stateDirectory(Config c, BundleContext context) {
        if (c.stateDirectory() != null && !c.stateDirectory().isBlank()) {
            return Path.of(c.stateDirectory().strip());
        }
        String data = context == null ? null : context.getProperty("karaf.data");
        return data == null ? null : Path.of(data, "trusthub", "offload");
    }

    private static Path crlDirectory(Config c, BundleContext context) {
        if (c.crlDirectory() != null && !c.crlDirectory().isBlank()) {
            return Path.of(c.crlDirectory().strip());
        }
        String etc = context.getProperty("karaf.etc");
        return etc == null ? null : Path.of(etc, "trusthub", "crl");
    }

    /** Loads every readable CRL; a damaged file is skipped with a warning naming it (and its issuer stays invalid). */
    static List<X509CRL> loadCrls(Path dir) {
        List<X509CRL> crls = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return crls;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{crl,pem}")) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Path f : files) {
                try (InputStream in = Files.newInputStream(f)) {
                    crls.add((X509CRL) cf.generateCRL(in));
                } catch (IOException | CRLException | ClassCastException e) {
                    LOG.warn("Skipping revocation list {}: {}", f, e.getMessage());
                }
            }
        } catch (IOException | CertificateException e) {
            LOG.warn("Cannot read revocation lists in {}: {}", dir, e.getMessage());
        }
        return crls;
    }

    @Override
    public Layer layer() {
        return Layer.APPLICATION;
    }

    @Override
    public String mechanism() {
        return Stats.MECHANISM;
    }

    @Override
    public void forget(ThingId thing) {
        OffloadHub h = hub;
        if (h == null) {
            return;
        }
        List<String> groups = h.forget(thing);
        if (!groups.isEmpty()) {
            LOG.info("Thing {} left service: removed from groups {}, which re-keyed", thing, groups);
        }
    }

    @Override
    public byte[] requestToken(byte[] request) {
        return hub.requestToken(request);
    }

    @Override
    public String requestSecurityToken(String rst) {
        return hub.requestSecurityToken(rst);
    }

    @Override
    public List<IssuedToken> issuedTokens() {
        return hub.issuedTokens();
    }

    @Override
    public byte[] verify(byte[] request) {
        return hub.verify(request);
    }

    @Override
    public byte[] requestPairwiseKey(byte[] request) {
        return hub.requestPairwiseKey(request);
    }

    @Override
    public GroupInfo create(String name, Set<ThingId> members) {
        return hub.create(name, members);
    }

    @Override
    public GroupInfo join(String name, ThingId member) {
        return hub.join(name, member);
    }

    @Override
    public GroupInfo leave(String name, ThingId member) {
        return hub.leave(name, member);
    }

    @Override
    public boolean delete(String name) {
        return hub.delete(name);
    }

    @Override
    public Optional<GroupInfo> group(String name) {
        return hub.group(name);
    }

    @Override
    public List<GroupInfo> groups() {
        return hub.groups();
    }

    @Override
    public byte[] requestGroupKeys(byte[] request) {
        return hub.requestGroupKeys(request);
    }

    @Override
    public Map<Refusal, Long> refusals() {
        return hub.refusals();
    }

    @Override
    public Map<String, Long> issued() {
        return hub.issued();
    }

    @Override
    public boolean durable() {
        return hub.durable();
    }

    @Override
    public int restoredEpochs(String group) {
        return hub.restoredEpochs(group);
    }

    @Override
    public Map<String, Long> housekeeping() {
        return hub.housekeeping();
    }

    @Override
    public Map<String, Long> notGranted() {
        return hub.notGranted();
    }

    /** Counts a refusal made in front of the services (by the CoAP resources), with the services' own. */
    public void countRefusal(org.trusthub.api.offload.OffloadException refusal) {
        OffloadHub h = hub;
        if (h != null) {
            h.countRefusal(refusal);
        }
    }
}
