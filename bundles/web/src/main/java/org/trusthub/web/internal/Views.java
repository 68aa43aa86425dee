package org.trusthub.web.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityStatus;
import org.trusthub.api.security.SecurityStatus.LayerStatus;
import org.trusthub.api.security.SecurityStatus.ThingStatus;
import org.trusthub.api.thing.JournalEntry;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.Transition;

/**
 * The JSON shapes of the API, from the hub's types: plain maps and lists of text, numbers and booleans, so that what
 * leaves the hub is exactly what is listed here (no key bytes, no session ids).
 */
final class Views {

    private Views() {
    }

    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    static Map<String, Object> thing(Thing t) {
        return obj("id", t.id().value(), "state", t.state().name(), "owner", t.owner(), "enrolled",
                time(t.enrolled()), "changed", time(t.changed()), "commissionCount", t.commissionCount(),
                "transitions", Transition.allowedFrom(t.state()).stream()
                        .filter(x -> x != Transition.RECOMMISSION).map(Enum::name).toList(),
                "recommission", t.state() == LifecycleState.DECOMMISSIONED);
    }

    /** One step of a thing's lifecycle journal. */
    static Map<String, Object> journal(JournalEntry e) {
        return obj("time", time(e.at()), "transition", e.transition(), "from", e.from() == null ? null
                : e.from().name(), "to", e.to().name(), "by", e.by());
    }

    /**
     * The journal's name of a dashboard account, {@code web:<user>}. Account names come from the JAAS realm, but
     * one the journal cannot hold (too long, unprintable) is journalled as {@code web}, not refused.
     */
    static String actor(String user) {
        String actor = "web:" + user;
        boolean fits = actor.length() <= 64 && actor.strip().equals(actor)
                && actor.codePoints().noneMatch(ch -> Character.isISOControl(ch) || Character.isWhitespace(ch));
        return fits ? actor : "web";
    }

    /** A protocol label of the status ({@code zigbee (SIMULATED)}) as protocol and flag. */
    static Map<String, Object> protocol(String label) {
        boolean simulated = label.endsWith(SecurityStatus.SIMULATED_LABEL);
        String name = simulated ? label.substring(0, label.length() - SecurityStatus.SIMULATED_LABEL.length())
                : label;
        return obj("protocol", name, "simulated", simulated);
    }

    static String protection(Protection p) {
        return p.toString();
    }

    /** The best protection of the sessions held now, "none" without one. */
    static String strongest(ThingStatus s) {
        Protection best = null;
        for (LayerStatus l : s.layers()) {
            for (Authenticated a : l.sessions()) {
                Protection p = a.protection();
                if (best == null || p.level().compareTo(best.level()) > 0
                        || p.level() == best.level() && p.reach().compareTo(best.reach()) > 0) {
                    best = p;
                }
            }
        }
        return best == null ? "none" : best.toString();
    }

    /** One row of the things list: who it is, its state, protocols and protection at a glance. */
    static Map<String, Object> summary(ThingStatus s, Optional<Thing> thing) {
        Map<String, Object> m = obj("id", s.thing().value(), "state",
                s.state().map(Enum::name).orElse(null), "owner", thing.map(Thing::owner).orElse(null));
        m.put("protocols", s.protocols().stream().map(Views::protocol).toList());
        m.put("simulated", s.protocols().stream().anyMatch(p -> p.endsWith(SecurityStatus.SIMULATED_LABEL)));
        m.put("protection", strongest(s));
        Map<String, Object> required = new LinkedHashMap<>();
        s.required().forEach((p, r) -> required.put(p, r.toString()));
        m.put("required", required);
        long refusals = s.layers().stream().flatMap(l -> l.refusals().values().stream()).mapToLong(Long::longValue)
                .sum();
        m.put("refusals", refusals);
        return m;
    }

    static Map<String, Object> status(ThingStatus s) {
        Map<String, Object> m = obj("thing", s.thing().value(), "state", s.state().map(Enum::name).orElse(null));
        m.put("protocols", s.protocols().stream().map(Views::protocol).toList());
        Map<String, Object> required = new LinkedHashMap<>();
        s.required().forEach((p, r) -> required.put(p, r.toString()));
        m.put("required", required);
        m.put("protection", strongest(s));
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerStatus l : s.layers()) {
            layers.add(obj("layer", l.layer().name(), "generation", l.generation(), "keyAgeSeconds",
                    l.keyAge().map(Duration::toSeconds).orElse(null), "mechanisms", List.copyOf(l.mechanisms()),
                    "sessions", l.sessions().stream().map(a -> obj("mechanism", a.mechanism(), "protection",
                            a.protection().toString())).toList(),
                    "refusals", l.refusals()));
        }
        m.put("layers", layers);
        return m;
    }

    static Map<String, Object> keys(KeyMetadata k, Instant now) {
        Map<String, Object> m = obj("thing", k.thing().value(), "rootKind", k.rootKind().name(),
                "rootFingerprint", k.rootFingerprint(), "enrolled", time(k.enrolled()), "status", k.status().name(),
                "revoked", time(k.revoked()));
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerKeyMetadata l : k.layers()) {
            layers.add(obj("layer", l.layer().name(), "generation", l.generation(), "created", time(l.created()),
                    "ageSeconds", Duration.between(l.created(), now).toSeconds(), "lastUsed", time(l.lastUsed()),
                    "mechanisms", l.mechanisms().stream().sorted().toList()));
        }
        m.put("layers", layers);
        return m;
    }

    static Map<String, Object> model(ThingModel model) {
        return obj("thing", model.thing().value(), "binding", model.binding(), "simulated", model.simulated(),
                "available", model.available(), "properties", model.properties().stream().map(Views::property)
                        .toList());
    }

    static Map<String, Object> property(Property p) {
        PropertyDescriptor d = p.descriptor();
        Map<String, Object> m = obj("id", d.id(), "type", d.type().name(), "label", d.label(), "unit", d.unit(),
                "writable", d.writable(), "min", d.min(), "max", d.max());
        p.value().ifPresentOrElse(v -> {
            m.put("value", v.value());
            m.put("timestamp", time(v.timestamp()));
            m.put("quality", v.quality().name());
            m.put("origin", v.origin().name());
        }, () -> m.put("value", null));
        return m;
    }
}
