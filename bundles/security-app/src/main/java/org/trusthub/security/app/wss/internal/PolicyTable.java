package org.trusthub.security.app.wss.internal;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.app.wss.WssPolicy;

/**
 * Per-thing WS-Security policies from configuration. A policy is written as words: {@code sign}, {@code encrypt},
 * {@code username}, {@code plain}, {@code ttl=<seconds>}; a thing's entry is {@code <thing id>: <words>}. An entry
 * that cannot be read fails closed: the thing gets signed and encrypted messages, and the error is logged.
 */
final class PolicyTable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyTable.class);

    private final WssPolicy defaults;
    private final Map<ThingId, WssPolicy> things;

    private PolicyTable(WssPolicy defaults, Map<ThingId, WssPolicy> things) {
        this.defaults = defaults;
        this.things = Collections.unmodifiableMap(things);
    }

    static PolicyTable of(String defaultPolicy, int ttlSeconds, String[] thingPolicies) {
        Duration ttl = Duration.ofSeconds(ttlSeconds);
        WssPolicy defaults;
        try {
            defaults = parse(defaultPolicy, ttl);
        } catch (IllegalArgumentException e) {
            LOG.error("WS-Security default policy '{}' is not valid ({}); using sign,encrypt", defaultPolicy,
                    e.getMessage());
            defaults = new WssPolicy(true, true, false, ttl);
        }
        Map<ThingId, WssPolicy> things = new HashMap<>();
        for (String entry : thingPolicies == null ? new String[0] : thingPolicies) {
            int colon = entry.indexOf(':');
            String id = (colon < 0 ? entry : entry.substring(0, colon)).trim();
            if (!ThingId.isValid(id)) {
                LOG.error("WS-Security policy entry ignored: '{}' does not start with a thing id", entry);
                continue;
            }
            try {
                things.put(ThingId.of(id), parse(colon < 0 ? "" : entry.substring(colon + 1), ttl));
            } catch (IllegalArgumentException e) {
                LOG.error("WS-Security policy of {} is not valid ({}); it gets sign,encrypt", id, e.getMessage());
                things.put(ThingId.of(id), new WssPolicy(true, true, false, ttl));
            }
        }
        return new PolicyTable(defaults, things);
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
