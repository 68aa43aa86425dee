package org.trusthub.security.policy.internal;

import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.trusthub.api.thing.ThingId;

/**
 * Who a rule names: one thing, the members of an offload group ({@code @group}, looked up at the moment of each
 * decision) or any thing ({@code *}).
 *
 * @param text the subject as written
 */
record Subject(String text) {
    /** The group names {@link org.trusthub.api.offload.GroupKeyService} accepts. */
    private static final Pattern GROUP = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");
    static final String ANY = "*";

    /** How specific a subject is: a thing beats a group beats any. */
    enum Kind {
        ANY, GROUP, THING
    }

    /** @throws IllegalArgumentException saying what a subject may be */
    static Subject parse(String text) {
        if (ANY.equals(text)) {
            return new Subject(text);
        }
        if (text.startsWith("@")) {
            if (!GROUP.matcher(text.substring(1)).matches()) {
                throw new IllegalArgumentException("'" + Rule.printable(text) + "' is not a group name (@ then 1 to "
                        + "64 of a-z 0-9 . _ : -, starting with a letter or digit)");
            }
            return new Subject(text);
        }
        if (!ThingId.isValid(text)) {
            throw new IllegalArgumentException("'" + Rule.printable(text) + "' is not a thing id, @group or *");
        }
        return new Subject(text);
    }

    Kind kind() {
        return ANY.equals(text) ? Kind.ANY : text.startsWith("@") ? Kind.GROUP : Kind.THING;
    }

    /**
     * Whether the subject names a thing.
     *
     * @param members the members of a group by name, empty for an unknown group, null when nobody can tell now (no
     *        group service): then it names nobody
     */
    boolean matches(ThingId thing, Function<String, Set<ThingId>> members) {
        return switch (kind()) {
            case ANY -> true;
            case GROUP -> {
                Set<ThingId> in = members.apply(text.substring(1));
                yield in != null && in.contains(thing);
            }
            case THING -> text.equals(thing.value());
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
