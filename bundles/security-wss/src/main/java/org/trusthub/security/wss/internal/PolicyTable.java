package org.trusthub.security.wss.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.config.ConfigLists;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.wss.WssPolicy;

/**
 * Per-thing WS-Security policies from configuration. A policy is written as words: {@code sign}, {@code encrypt},
 * {@code username}, {@code plain}, {@code ttl=<seconds>}; a thing's entry is {@code <thing id>: <words>}, and one
 * value holds several entries separated by {@code ;} (the only form a Karaf {@code .cfg} file delivers reliably, see
 * {@link ConfigLists}). A setting or entry that cannot be read is refused: it is listed in {@link #refused()} (shown by
 * {@code trusthub:wss-policies}, which then fails) and logged, and it fails closed: the thing gets signed and encrypted
 * messages.
 */
final class PolicyTable {

    /** Between the entries of one {@code thingPolicies} value; commas separate a policy's words. */
    static final char ENTRY_SEPARATOR = ';';

    private static final Logger LOG = LoggerFactory.getLogger(PolicyTable.class);

    private final WssPolicy defaults;
    private final Map<ThingId, WssPolicy> things;
    private final List<String> refused;

    private PolicyTable(WssPolicy defaults, Map<ThingId, WssPolicy> things, List<String> refused) {
        this.defaults = defaults;
        this.things = Collections.unmodifiableMap(things);
        this.refused = List.copyOf(refused);
    }

    static PolicyTable of(String defaultPolicy, int ttlSeconds, String[] thingPolicies) {
        Duration ttl = Duration.ofSeconds(ttlSeconds);
        List<String> refused = new ArrayList<>();
        WssPolicy defaults;
        try {
            defaults = parse(defaultPolicy, ttl);
        } catch (IllegalArgumentException e) {
            refused.add("defaultPolicy '" + defaultPolicy + "': " + e.getMessage() + "; sign,encrypt applies");
            defaults = new WssPolicy(true, true, false, ttl);
        }
        List<String> entries;
        try {
            entries = ConfigLists.entries(thingPolicies, ENTRY_SEPARATOR);
        } catch (IllegalArgumentException e) {
            refused.add("thingPolicies: " + e.getMessage() + "; no entry of it applies");
            entries = List.of();
        }
        Map<ThingId, WssPolicy> things = new LinkedHashMap<>();
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            String id = (colon < 0 ? entry : entry.substring(0, colon)).trim();
            if (colon < 0 || !ThingId.isValid(id)) {
                refused.add("thingPolicies entry '" + entry + "': it is not '<thing id>: <words>'; ignored");
                continue;
            }
            ThingId thing = ThingId.of(id);
            if (things.containsKey(thing)) {
                refused.add("thingPolicies entry '" + entry + "': " + id + " has an entry already; " + id
                        + " gets sign,encrypt");
                things.put(thing, new WssPolicy(true, true, false, ttl));
                continue;
            }
            try {
                things.put(thing, parse(entry.substring(colon + 1), ttl));
            } catch (IllegalArgumentException e) {
                refused.add("thingPolicies entry '" + entry + "': " + e.getMessage() + "; " + id
                        + " gets sign,encrypt");
                things.put(thing, new WssPolicy(true, true, false, ttl));
            }
        }
        refused.forEach(r -> LOG.error("WS-Security setting refused: {}", r));
        return new PolicyTable(defaults, things, refused);
    }

    /** What configuration was refused, one line each: the setting or entry, why, and what applies instead. */
    List<String> refused() {
        return refused;
    }

    WssPolicy defaults() {
        return defaults;
    }

    /** The things with an entry of their own, in configuration order. */
    Map<ThingId, WssPolicy> entries() {
        return things;
    }

    boolean hasEntry(ThingId thing) {
        return things.containsKey(thing);
    }

    WssPolicy policy(ThingId thing) {
        return things.getOrDefault(thing, defaults);
    }

    static WssPolicy parse(String words, Duration ttl) {
        boolean sign = false;
        boolean encrypt = false;
        boolean username = false;
        boolean plain = false;
        Duration validity = ttl;
        for (String word : words.trim().toLowerCase(Locale.ROOT).split("[\\s,]+")) {
            if (word.isEmpty()) {
                continue;
            }
            switch (word) {
                case "sign" -> sign = true;
                case "encrypt" -> encrypt = true;
                case "username" -> username = true;
                case "plain", "none" -> plain = true;
                default -> {
                    if (word.startsWith("ttl=")) {
                        try {
                            validity = Duration.ofSeconds(Long.parseLong(word.substring(4)));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("ttl is not a number of seconds");
                        }
                    } else {
                        throw new IllegalArgumentException("unknown word '" + word + "'");
                    }
                }
            }
        }
        if (plain && (sign || encrypt || username)) {
            throw new IllegalArgumentException("'plain' cannot be combined with protections");
        }
        if (!plain && !sign && !encrypt && !username) {
            throw new IllegalArgumentException("no protection named; write 'plain' for none");
        }
        return new WssPolicy(sign, encrypt, username, validity);
    }
}
