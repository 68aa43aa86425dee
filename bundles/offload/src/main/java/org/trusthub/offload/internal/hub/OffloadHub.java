package org.trusthub.offload.internal.hub;

import org.trusthub.offload.wstrust.WsTrust;

import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.offload.IssuedToken;
import org.trusthub.api.offload.KeyDistributionService;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.OffloadStatistics;
import org.trusthub.api.offload.TokenService;
import org.trusthub.api.offload.VerificationService;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.offload.wire.OpCounter;
import org.trusthub.offload.pkix.PathCheck;
import org.trusthub.offload.wire.Crypto;

/**
 * Every offload service over one keystore and registry, without OSGi: the DS component, the tests and the
 * benchmarks all drive this.
 */
public final class OffloadHub implements TokenService, VerificationService, KeyDistributionService, GroupKeyService,
        OffloadStatistics, HubDetails, AutoCloseable {

    /** The settings an operator can change (Config Admin PID {@code org.trusthub.offload}). */
    public record Settings(Duration tokenLifetime, Duration pairwiseLifetime, int epochWindow,
            Set<String> signatureAlgorithms, int minRsaBits) {
        public Settings {
            if (tokenLifetime.isNegative() || tokenLifetime.isZero() || pairwiseLifetime.isNegative()
                    || pairwiseLifetime.isZero()) {
                throw new IllegalArgumentException("lifetimes must be positive");
            }
            if (epochWindow < 1 || epochWindow > 16) {
                throw new IllegalArgumentException("epoch window must be 1 to 16");
            }
            signatureAlgorithms = Set.copyOf(signatureAlgorithms);
        }

        public static Settings defaults() {
            return new Settings(Duration.ofHours(1), Duration.ofHours(8), 2,
                    Set.of("SHA256withECDSA", "SHA384withECDSA", "Ed25519", "SHA256withRSA", "SHA384withRSA"), 2048);
        }
    }

    private final Stats stats = new Stats();
    private final OpCounter hubOps = new OpCounter();
    private final Gate gate;
    private final TokenIssuer tokens;
    private final Verifier verifier;
    private final PairwiseIssuer pairwise;
    private final GroupKeys groups;
    private final List<X509CRL> crls = new CopyOnWriteArrayList<>();
    private final OffloadState state;
    private final EpochVault vault;
    private final Keys keys;
    private final Authorization authorization;

    /** A hub that forgets its replay state and groups when it stops (tests and benchmarks that do not restart). */
    public OffloadHub(ThingKeyStore keystore, ThingRegistry registry, Clock clock, Settings settings) {
        this(keystore, registry, clock, settings, OffloadState.inMemory());
    }

    /** A hub that resumes from {@code state} and records into it; {@link #close()} closes it. */
    public OffloadHub(ThingKeyStore keystore, ThingRegistry registry, Clock clock, Settings settings,
            OffloadState state) {
        this.state = state;
        SecureRandom random = new SecureRandom();
        Crypto crypto = new Crypto(hubOps, random);
        keys = new Keys(keystore, registry);
        gate = new Gate(keys, crypto, state, stats);
        authorization = new Authorization(stats);
        tokens = new TokenIssuer(gate, keys, crypto, clock, stats, settings.tokenLifetime(), state, authorization);
        verifier = new Verifier(gate, keys, crypto, clock, stats,
                new PathCheck(settings.signatureAlgorithms(), settings.minRsaBits()), () -> crls);
        pairwise = new PairwiseIssuer(gate, keys, crypto, clock, stats, settings.pairwiseLifetime(),
                authorization);
        vault = state.durable() ? EpochVault.of(keystore, registry, random) : EpochVault.disabled();
        groups = new GroupKeys(gate, keys, crypto, clock, stats, settings.epochWindow(), state, vault);
        // Tokens of things revoked while the hub was stopped: nothing more is issued to or for them, so their
        // records go as they would have at the event.
        tokens.issuedTokens().stream().flatMap(t -> java.util.stream.Stream.of(t.client(), t.audience())).distinct()
                .filter(t -> !keystore.isActive(t)).toList().forEach(t -> {
                    tokens.forget(t);
                    stats.housekeeping("tokens-revoked-at-start");
                });
    }

    OffloadState state() {
        return state;
    }

    /** Whether replay state and groups survive a restart. */
    @Override
    public boolean durable() {
        return state.durable();
    }

    @Override
    public void close() {
        state.close();
    }

    /** Applies new settings; tokens and keys already issued keep their lifetimes. */
    public void update(Settings settings) {
        tokens.lifetime(settings.tokenLifetime());
        pairwise.lifetime(settings.pairwiseLifetime());
        groups.window(settings.epochWindow());
        verifier.policy(new PathCheck(settings.signatureAlgorithms(), settings.minRsaBits()));
    }

    /**
     * Where the security policy in force comes from (read on every token and pairwise key request); until this is
     * called, and whenever it yields {@code null}, every such request is refused (fail closed).
     */
    public void policy(java.util.function.Supplier<org.trusthub.api.security.SecurityPolicy> source) {
        authorization.source(source);
    }

    /**
     * Where refusals are reported besides offload's own counts (read at every refusal); until this is called, and
     * whenever it yields {@code null}, they are only counted here.
     */
    public void refusals(java.util.function.Supplier<org.trusthub.api.security.SecurityRefusals> sink) {
        stats.sink(sink);
    }

    @Override
    public java.util.Map<String, Long> notGranted() {
        return stats.notGranted();
    }

    /** The revocation lists verification uses (replaces the previous set). */
    public void revocationLists(Collection<X509CRL> lists) {
        crls.clear();
        crls.addAll(lists);
    }

    /** The hub's own cryptographic work. */
    public OpCounter hubOps() {
        return hubOps;
    }

    /**
     * Drops what the hub holds for a thing, by its state now (so the order and repetition of calls do not matter, and
     * an unknown thing is fine): a thing whose keys are revoked (or unknown) loses its replay window; a thing still
     * holding its keys loses the window of keys it no longer has; a thing not in service loses its token records and
     * leaves its groups, which re-key. A group's own id is left alone.
     *
     * @return the groups it left
     */
    public List<String> forget(ThingId thing) {
        if (vault.isGroupId(thing)) {
            return List.of();
        }
        if (keys.currentGeneration(thing).isEmpty()) {
            if (keys.revoked(thing)) {
                return keysRevoked(thing);
            }
            gate.forget(thing);
        } else {
            gate.keysChanged(thing);
        }
        return thingLeftService(thing);
    }

    /**
     * A thing left OPERATIONAL: forget its tokens, expel it from groups. Its request sequence state stays: it may come
     * back with the same keys, and its old requests must stay refused then.
     */
    public List<String> thingLeftService(ThingId thing) {
        if (keys.inService(thing)) {
            // Lifecycle events arrive asynchronously: the BOOTSTRAPPING of a thing's way into service may arrive
            // after it is OPERATIONAL and has joined a group. The registry's state now is what counts.
            return List.of();
        }
        tokens.forget(thing);
        return groups.expel(thing);
    }

    /**
     * A thing's keys were revoked (decommissioning): its replay state and token records are purged, it leaves every
     * group, and a later enrolment starts its sequence numbers over.
     */
    public List<String> keysRevoked(ThingId thing) {
        if (vault.isGroupId(thing)) {
            return List.of(); // a group's own id, revoked because the group was deleted
        }
        gate.forget(thing);
        stats.housekeeping("things-revoked");
        return thingLeftService(thing);
    }

    /**
     * A thing's keys were rotated or enrolled anew: replay state of its replaced keys goes, and its request sequence
     * numbers start over with the new keys (also without this call: the gate sees the new generation).
     */
    public void keysChanged(ThingId thing) {
        if (vault.isGroupId(thing)) {
            return;
        }
        gate.keysChanged(thing);
    }

    @Override
    public java.util.Map<String, Long> housekeeping() {
        return stats.housekeeping();
    }

    @Override
    public int restoredEpochs(String group) {
        return groups.restoredEpochs(group);
    }

    @Override
    public byte[] requestToken(byte[] request) {
        return stats.serve(() -> tokens.requestToken(request));
    }

    @Override
    public String requestSecurityToken(String rst) {
        return stats.serve(() -> {
            try {
                WsTrust.Rst r = WsTrust.parse(rst);
                TokenIssuer.Issued i = tokens.issue(r.request(), "ws-trust", r.appliesTo());
                return WsTrust.rstr(i.record().audience().value(), i.token(), i.confirmation(), i.record().issued(),
                        i.record().expires());
            } catch (OffloadException e) {
                throw stats.refused(e);
            }
        });
    }

    @Override
    public List<IssuedToken> issuedTokens() {
        return tokens.issuedTokens();
    }

    @Override
    public byte[] verify(byte[] request) {
        return stats.serve(() -> verifier.verify(request));
    }

    @Override
    public byte[] requestPairwiseKey(byte[] request) {
        return stats.serve(() -> pairwise.requestPairwiseKey(request));
    }

    @Override
    public GroupInfo create(String name, Set<ThingId> members) {
        return groups.create(name, members);
    }

    @Override
    public GroupInfo join(String name, ThingId member) {
        return groups.join(name, member);
    }

    @Override
    public GroupInfo leave(String name, ThingId member) {
        return groups.leave(name, member);
    }

    @Override
    public boolean delete(String name) {
        return groups.delete(name);
    }

    @Override
    public Optional<GroupInfo> group(String name) {
        return groups.group(name);
    }

    @Override
    public List<GroupInfo> groups() {
        return groups.groups();
    }

    @Override
    public byte[] requestGroupKeys(byte[] request) {
        return stats.serve(() -> groups.requestGroupKeys(request));
    }

    @Override
    public java.util.Map<org.trusthub.api.offload.Refusal, Long> refusals() {
        return stats.refusals();
    }

    @Override
    public java.util.Map<String, Long> issued() {
        return stats.issued();
    }

    /** Counts a refusal made in front of the services (by a binding's adapter), with the services' own. */
    public void countRefusal(OffloadException refusal) {
        stats.refused(refusal);
    }
}
