package org.trusthub.web.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.TrustAnchorEntry;
import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.SecurityStatus;
import org.trusthub.api.thing.ThingId;

/**
 * The hub as a whole: security status (the same computation as {@code trusthub:security-status}), refusals, bindings
 * and whether each is simulated, trust anchors (certificates' public facts), offload groups and the policy's token
 * rules, events, and the OpenAPI document.
 */
final class HubApi {

    private final HubServices hub;
    private final EventFeed events;
    private final Sessions sessions;
    private final PolicyRules policyRules;

    HubApi(HubServices hub, EventFeed events, Sessions sessions, PolicyRules policyRules) {
        this.hub = hub;
        this.events = events;
        this.sessions = sessions;
        this.policyRules = policyRules;
    }

    void routes(Router r) {
        r.get("/api/security", Role.VIEWER, c -> security());
        r.get("/api/refusals", Role.VIEWER, c -> refusals());
        r.get("/api/bindings", Role.VIEWER, c -> bindings());
        r.get("/api/trust-anchors", Role.VIEWER, c -> trustAnchors());
        r.get("/api/offload", Role.VIEWER, c -> offload());
        r.get("/api/events/recent", Role.VIEWER, c -> events.recent());
        r.stream("/api/events", Role.VIEWER, (ex, s) -> events.open(ex, s.user, () -> sessions.isOpen(s.id)));
        r.get("/api/openapi.json", null, c -> OpenApi.document());
    }

    private Map<String, Object> security() {
        SecurityStatus status = hub.status();
        return Views.obj("things", status.all().stream().map(Views::status).toList(), "unattributedRefusals",
                status.unattributedRefusals(), "missing", status.missing());
    }

    private List<Map<String, Object>> refusals() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RefusalCount c : hub.refusals().counts()) {
            out.add(Views.obj("thing", c.thing().map(ThingId::value).orElse(null), "layer", c.layer().name(),
                    "mechanism", c.mechanism(), "reason", c.reason().name(), "count", c.count(), "last",
                    Views.time(c.last())));
        }
        return out;
    }

    private List<Map<String, Object>> bindings() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ProtocolBinding b : hub.bindings) {
            try {
                out.add(Views.obj("protocol", b.protocol(), "simulated", b.isSimulated(), "things",
                        b.things().stream().map(ThingId::value).sorted().toList()));
            } catch (RuntimeException e) {
                // A binding stopping while it is asked serves nothing now.
            }
        }
        out.sort((a, b) -> ((String) a.get("protocol")).compareTo((String) b.get("protocol")));
        return out;
    }

    private List<Map<String, Object>> trustAnchors() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TrustAnchorEntry e : hub.trustAnchors().trustAnchorEntries()) {
            X509Certificate c = e.certificate();
            out.add(Views.obj("alias", e.alias(), "subject", c.getSubjectX500Principal().getName(), "notAfter",
                    Views.time(c.getNotAfter().toInstant()), "sha256", fingerprint(c), "purposes",
                    e.purposes().stream().map(Enum::name).sorted().toList(), "migrated", e.migrated()));
        }
        return out;
    }

    private Map<String, Object> offload() {
        var groups = hub.groups;
        List<Map<String, Object>> g = new ArrayList<>();
        if (groups != null) {
            for (GroupInfo i : groups.groups()) {
                g.add(Views.obj("name", i.name(), "members", i.members().stream().map(ThingId::value).toList(),
                        "epoch", i.epoch(), "epochsKept", i.epochsKept(), "rekeyed", Views.time(i.rekeyed())));
            }
        }
        return Views.obj("running", groups != null, "groups", g, "tokenRules", policyRules.tokenRules());
    }

    static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return null;
        }
    }
}
