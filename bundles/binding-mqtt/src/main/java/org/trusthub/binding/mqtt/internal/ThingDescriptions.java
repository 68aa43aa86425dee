package org.trusthub.binding.mqtt.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.trusthub.api.config.ConfigLists;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyType;
import org.trusthub.api.thing.ThingId;

/**
 * The things a configuration describes: {@code THING PROPERTY:TYPE[:rw]...} entries separated by ';'. A bad entry
 * refuses the whole setting with a message naming it, so a typo never half-applies.
 */
public final class ThingDescriptions {

    private final Map<ThingId, List<PropertyDescriptor>> things;

    private ThingDescriptions(Map<ThingId, List<PropertyDescriptor>> things) {
        this.things = Collections.unmodifiableMap(things);
    }

    /** No things. */
    public static ThingDescriptions none() {
        return new ThingDescriptions(new LinkedHashMap<>());
    }

    /**
     * Parses the setting.
     *
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    public static ThingDescriptions parse(String[] setting) {
        Map<ThingId, List<PropertyDescriptor>> out = new LinkedHashMap<>();
        for (String entry : ConfigLists.entries(setting, ';')) {
            String[] words = entry.split("\\s+");
            ThingId thing = ThingId.of(words[0]);
            if (!BrokerCredentials.carries(thing)) {
                throw new IllegalArgumentException(BrokerCredentials.uncarriedMessage(thing));
            }
            if (out.containsKey(thing)) {
                throw new IllegalArgumentException("thing " + thing + " is described twice");
            }
            if (words.length < 2) {
                throw new IllegalArgumentException("thing " + thing + " has no properties: give PROPERTY:TYPE[:rw]");
            }
            List<PropertyDescriptor> properties = new ArrayList<>();
            for (int i = 1; i < words.length; i++) {
                PropertyDescriptor p = parseProperty(thing, words[i]);
                if (properties.stream().anyMatch(q -> q.id().equals(p.id()))) {
                    throw new IllegalArgumentException("thing " + thing + " names property " + p.id() + " twice");
                }
                properties.add(p);
            }
            out.put(thing, List.copyOf(properties));
        }
        return new ThingDescriptions(out);
    }

    private static PropertyDescriptor parseProperty(ThingId thing, String word) {
        String[] parts = word.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts.length == 3 && !parts[2].equals("rw")) {
            throw new IllegalArgumentException("property of thing " + thing + " is not PROPERTY:TYPE or "
                    + "PROPERTY:TYPE:rw");
        }
        PropertyType type = switch (parts[1].toLowerCase(Locale.ROOT)) {
            case "switch" -> PropertyType.SWITCH;
            case "level" -> PropertyType.LEVEL;
            case "temperature" -> PropertyType.TEMPERATURE;
            case "number" -> PropertyType.NUMBER;
            case "string" -> PropertyType.STRING;
            default -> throw new IllegalArgumentException("property of thing " + thing + " has an unknown type: use "
                    + "switch, level, temperature, number or string");
        };
        return new PropertyDescriptor(parts[0], type, null, null, parts.length == 3, null, null);
    }

    /** Every thing described, in the order of the setting. */
    public Map<ThingId, List<PropertyDescriptor>> things() {
        return things;
    }

    /** One property of a described thing, or null. */
    public PropertyDescriptor property(ThingId thing, String property) {
        List<PropertyDescriptor> properties = things.get(thing);
        if (properties == null) {
            return null;
        }
        return properties.stream().filter(p -> p.id().equals(property)).findFirst().orElse(null);
    }
}
