package org.trusthub.binding.coap.internal;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.model.RawValues;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.oscore.OscoreContexts;
import org.trusthub.security.transport.dtls.DtlsServers;

/**
 * The services the binding reaches through dynamic references, as they are now: each may come, go or be replaced
 * while the binding runs, so every request reads them afresh and copes with their absence.
 */
final class Providers {
    private static final Logger LOG = LoggerFactory.getLogger(Providers.class);

    private volatile DtlsServers dtls;
    private volatile OscoreContexts oscore;
    private volatile SecurityPolicy policy;
    private volatile SecurityRefusals refusals;
    private volatile RawValues values;
    private volatile ThingModelRegistry model;

    Optional<DtlsServers> dtls() {
        return Optional.ofNullable(dtls);
    }

    Optional<OscoreContexts> oscore() {
        return Optional.ofNullable(oscore);
    }

    Optional<SecurityPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    /** The thing model's raw values: where {@code /things/<thing>/<name>} lives. */
    Optional<RawValues> values() {
        return Optional.ofNullable(values);
    }

    /** The thing model: where the things of other bindings are read and written. */
    Optional<ThingModelRegistry> model() {
        return Optional.ofNullable(model);
    }

    void model(ThingModelRegistry m) {
        model = m;
    }

    boolean isModel(ThingModelRegistry m) {
        return model == m;
    }

    void dtls(DtlsServers d) {
        dtls = d;
    }

    void oscore(OscoreContexts o) {
        oscore = o;
    }

    void policy(SecurityPolicy p) {
        policy = p;
    }

    void refusals(SecurityRefusals r) {
        refusals = r;
    }

    void values(RawValues v) {
        values = v;
    }

    /** Whether {@code current} is still the one in use (an unbind of a replaced service changes nothing). */
    boolean isDtls(DtlsServers d) {
        return dtls == d;
    }

    boolean isOscore(OscoreContexts o) {
        return oscore == o;
    }

    boolean isPolicy(SecurityPolicy p) {
        return policy == p;
    }

    boolean isRefusals(SecurityRefusals r) {
        return refusals == r;
    }

    boolean isValues(RawValues v) {
        return values == v;
    }

    /** Counts a refusal where every refusal is counted; without that service the refusal still happens. */
    void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
        SecurityRefusals r = refusals;
        if (r == null) {
            return;
        }
        try {
            r.refused(thing, layer, mechanism, reason);
        } catch (RuntimeException e) {
            LOG.debug("refusal not counted: {}", e.toString());
        }
    }
}
