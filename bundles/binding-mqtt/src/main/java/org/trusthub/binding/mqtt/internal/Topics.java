package org.trusthub.binding.mqtt.internal;

import java.util.Optional;
import java.util.regex.Pattern;

import org.trusthub.api.thing.ThingId;

/**
 * Where things and the hub meet on the broker: a thing publishes each property's value to
 * {@code <root>/<thing>/<property>} and takes the hub's writes from {@code <root>/<thing>/<property>/set}. Thing ids
 * and property ids hold no {@code /}, {@code +} or {@code #}, so every topic names exactly one thing and property.
 */
record Topics(String root) {

    private static final Pattern ROOT = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
    static final String COMMAND = "set";

    Topics {
        if (root == null || !ROOT.matcher(root).matches() || root.length() > 128) {
            throw new IllegalArgumentException("topicRoot must be 1 to 128 characters of levels of letters, digits, "
                    + "'_', '.', '-' separated by '/' (no wildcard, no leading or trailing '/')");
        }
    }

    /** The filter of every value topic of one thing. */
    String values(ThingId thing) {
        return root + "/" + thing.value() + "/+";
    }

    /** The topic the hub publishes a write to. */
    String command(ThingId thing, String property) {
        return root + "/" + thing.value() + "/" + property + "/" + COMMAND;
    }

    /** The property a value topic of this thing names, if it is one. */
    Optional<String> property(ThingId thing, String topic) {
        String prefix = root + "/" + thing.value() + "/";
        if (topic == null || !topic.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = topic.substring(prefix.length());
        return rest.isEmpty() || rest.contains("/") ? Optional.empty() : Optional.of(rest);
    }

    /** The thing a value topic names, if it names a valid thing id. */
    Optional<ThingId> thing(String topic) {
        String prefix = root + "/";
        if (topic == null || !topic.startsWith(prefix)) {
            return Optional.empty();
        }
        String[] levels = topic.substring(prefix.length()).split("/", -1);
        return levels.length == 2 && ThingId.isValid(levels[0]) ? Optional.of(ThingId.of(levels[0]))
                : Optional.empty();
    }
}
