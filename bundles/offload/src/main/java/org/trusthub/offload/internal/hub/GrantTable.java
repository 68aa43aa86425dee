package org.trusthub.offload.internal.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.trusthub.api.thing.ThingId;

/**
 * The authorization table of the offload services: which thing may get a token for which audience with which scopes,
 * and which thing may get a pairwise key with which peer. Anything no entry grants is refused (default deny).
 *
 * <p>One entry per grant, entries separated by commas (so a Karaf {@code .cfg} line holds a whole table):
 * <ul>
 * <li>{@code token CLIENT AUDIENCE SCOPE...}: CLIENT may get tokens for AUDIENCE whose scope words are all among the
 * SCOPEs listed (by this and every other token entry that matches the same client and audience); scope {@code *}
 * allows any scope.</li>
 * <li>{@code pair THING PEER}: THING may ask for a pairwise key with PEER. One way: PEER asking for a key with THING
 * needs {@code pair PEER THING}.</li>
 * </ul>
 * CLIENT, AUDIENCE, THING and PEER are a thing id, {@code @group} (the members of the offload group of that name at the
 * time of the request) or {@code *} (any thing). Wildcards exist only where written.
 */
public final class GrantTable {
    private static final Pattern GROUP = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");
    // The scope words a token request may carry (TokenIssuer), minus the comma that separates entries.
    private static final Pattern SCOPE_WORD = Pattern.compile("[\\x21-\\x2b\\x2d-\\x7e]{1,64}");
    private static final String ANY = "*";

    /** No grant: every token and pairwise key request is refused. */
    public static final GrantTable EMPTY = new GrantTable(List.of());

    /** Who an entry names: one thing, the members of a group, or any thing. */
    record Subject(String text) {
        static Subject parse(String text, String role) {
            if (ANY.equals(text)) {
                return new Subject(text);
            }
            if (text.startsWith("@")) {
                if (!GROUP.matcher(text.substring(1)).matches()) {
                    throw new IllegalArgumentException(role + " '" + text + "' is not a group name (@ then 1 to 64 of "
                            + "a-z 0-9 . _ : -)");
                }
                return new Subject(text);
            }
            if (!ThingId.isValid(text)) {
                throw new IllegalArgumentException(role + " '" + text + "' is not a thing id, @group or *");
            }
            return new Subject(text);
        }

        boolean matches(ThingId thing, Function<String, Set<ThingId>> members) {
            if (ANY.equals(text)) {
                return true;
            }
            if (text.startsWith("@")) {
                return members.apply(text.substring(1)).contains(thing);
            }
            return text.equals(thing.value());
        }
    }

    /** One entry; {@code scopes} is empty for a pairwise grant. */
    record Entry(boolean token, Subject from, Subject to, Set<String> scopes) {
        @Override
        public String toString() {
            return token ? "token " + from.text() + " " + to.text() + " " + String.join(" ", scopes)
                    : "pair " + from.text() + " " + to.text();
        }
    }

    private final List<Entry> entries;

    private GrantTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Parses the configured value: each element holds one or more comma-separated entries. A bad entry refuses the
     * whole table, naming the entry and what is wrong with it; duplicates collapse.
     */
    public static GrantTable parse(Collection<String> configured) {
        List<String> texts = new ArrayList<>();
        for (String element : configured) {
            if (element == null) {
                continue;
            }
            for (String e : element.split(",")) {
                if (!e.isBlank()) {
                    texts.add(e.strip());
                }
            }
        }
        LinkedHashSet<Entry> parsed = new LinkedHashSet<>();
        for (int i = 0; i < texts.size(); i++) {
            try {
                parsed.add(entry(texts.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("grant " + (i + 1) + " ('" + printable(texts.get(i)) + "'): "
                        + e.getMessage(), e);
            }
        }
        return new GrantTable(new ArrayList<>(parsed));
    }

    public static GrantTable parse(String... configured) {
        return parse(configured == null ? List.of() : Arrays.asList(configured));
    }

    /** One entry, as the shell takes it. */
    static Entry entry(String text) {
        if (text.contains(",")) {
            throw new IllegalArgumentException("one grant at a time (no commas)");
        }
        String[] w = text.strip().split("\\s+");
        switch (w[0]) {
            case "token" -> {
                if (w.length < 4) {
                    throw new IllegalArgumentException("write: token CLIENT AUDIENCE SCOPE...");
                }
                Set<String> scopes = new TreeSet<>();
                for (int i = 3; i < w.length; i++) {
                    if (!SCOPE_WORD.matcher(w[i]).matches()) {
                        throw new IllegalArgumentException("scope '" + w[i] + "' is not 1 to 64 printable characters "
                                + "without a comma");
                    }
                    scopes.add(w[i]);
                }
                if (scopes.size() > 1 && scopes.contains(ANY)) {
                    throw new IllegalArgumentException("scope * already allows every scope: write it alone");
                }
                return new Entry(true, Subject.parse(w[1], "client"), Subject.parse(w[2], "audience"),
                        java.util.Collections.unmodifiableSet(scopes));
            }
            case "pair" -> {
                if (w.length != 3) {
                    throw new IllegalArgumentException("write: pair THING PEER");
                }
                return new Entry(false, Subject.parse(w[1], "thing"), Subject.parse(w[2], "peer"), Set.of());
            }
            default -> throw new IllegalArgumentException("a grant starts with 'token' or 'pair'");
        }
    }

    /** Whether a token for {@code audience} with every word of {@code scope} is granted to {@code client}. */
    public boolean allowsToken(ThingId client, ThingId audience, String scope,
            Function<String, Set<ThingId>> members) {
        Set<String> allowed = new java.util.HashSet<>();
        for (Entry e : entries) {
            if (e.token() && e.from().matches(client, members) && e.to().matches(audience, members)) {
                if (e.scopes().contains(ANY)) {
                    return true;
                }
                allowed.addAll(e.scopes());
            }
        }
        return !allowed.isEmpty() && allowed.containsAll(Arrays.asList(scope.split(" ")));
    }

    /** Whether {@code thing} may get a pairwise key with {@code peer}. */
    public boolean allowsPair(ThingId thing, ThingId peer, Function<String, Set<ThingId>> members) {
        return entries.stream().anyMatch(e -> !e.token() && e.from().matches(thing, members)
                && e.to().matches(peer, members));
    }

    /** This table with one more entry (the same table if it is there already). */
    public GrantTable with(String entry) {
        Entry e = named(entry);
        if (entries.contains(e)) {
            return this;
        }
        List<Entry> l = new ArrayList<>(entries);
        l.add(e);
        return new GrantTable(l);
    }

    /** This table without an entry; refuses an entry it does not hold. */
    public GrantTable without(String entry) {
        Entry e = named(entry);
        if (!entries.contains(e)) {
            throw new IllegalArgumentException("no such grant: " + e);
        }
        List<Entry> l = new ArrayList<>(entries);
        l.remove(e);
        return new GrantTable(l);
    }

    /** The entries in their written form, in order. */
    public List<String> entries() {
        return entries.stream().map(Entry::toString).toList();
    }

    /** One entry as the table writes it (single spaces, scopes sorted); refuses a bad entry. */
    public static String canonical(String entry) {
        return named(entry).toString();
    }

    /** {@link #entry}, whose refusal names the entry. */
    private static Entry named(String text) {
        try {
            return entry(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("grant '" + printable(text) + "': " + e.getMessage(), e);
        }
    }

    public boolean contains(String entry) {
        return entries.contains(named(entry));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The table as one configuration value: the entries, comma-separated. */
    @Override
    public String toString() {
        return String.join(", ", entries());
    }

    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 100 ? p.substring(0, 100) + "..." : p;
    }
}
