package org.trusthub.model.internal.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyType;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.model.ThingModel;

/** How the commands show values, ages and bindings. */
final class Values {

    private Values() {
    }

    static String value(Property p) {
        return p.value().map(v -> value(p, v)).orElse("-");
    }

    static String value(Property p, PropertyValue v) {
        Object o = v.value();
        if (p.descriptor().type() == PropertyType.SWITCH) {
            return Boolean.TRUE.equals(o) ? "on" : "off";
        }
        if (o instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d)
                    : String.format(Locale.ROOT, "%.2f", d).replaceAll("0$", "");
        }
        return ModelAction.oneLine(String.valueOf(o));
    }

    static String withUnit(Property p, PropertyValue v) {
        String unit = p.descriptor().unit();
        return value(p, v) + (unit.isEmpty() ? "" : " " + unit);
    }

    static String age(PropertyValue v, Instant now) {
        long s = Math.max(0, Duration.between(v.timestamp(), now).getSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return s / 60 + "m";
        }
        if (s < 172800) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }

    static String binding(ThingModel m) {
        return m.binding() + (m.simulated() ? " (SIMULATED)" : "");
    }
}
