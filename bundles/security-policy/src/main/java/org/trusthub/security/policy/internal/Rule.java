package org.trusthub.security.policy.internal;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.trusthub.api.security.Protection;

/**
 * One policy rule, in the syntax an operator writes:
 * <pre>
 * protect SUBJECT PROTOCOL in|out|both PROTECTION
 * read CALLER TARGET PROPERTY...
 * read - TARGET PROPERTY...
 * write CALLER TARGET PROPERTY...
 * token CLIENT AUDIENCE SCOPE...
 * pair THING PEER
 * </pre>
 * A subject is a thing id, {@code @group} or {@code *}; a protocol one of {@link #PROTOCOLS} or {@code *}; a property
 * a property id or {@code *}; a scope a word of printable characters or {@code *}. The caller {@value #UNAUTHENTICATED}
 * (never a thing id, which starts with a letter or digit) stands for a request that names no thing; it may only read. {@link #toString()} writes the
 * canonical form (single spaces, properties and scopes sorted), which {@link #parse} reads back to an equal rule.
 */
sealed interface Rule {
    /** The protocols a rule can name, as {@link org.trusthub.api.binding.ProtocolBinding#PROTOCOL} spells them. */
    List<String> PROTOCOLS = List.of("coap", "dpws", "zigbee", "bluetooth");
    String ANY = Subject.ANY;
    /** The caller of a read rule that grants requests naming no thing; {@code *} never includes them. */
    String UNAUTHENTICATED = "-";
    Pattern PROPERTY = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    /** Printable ASCII without the rule separator ';'. */
    Pattern SCOPE = Pattern.compile("[\\x21-\\x3a\\x3c-\\x7e]{1,64}");

    /** Which way a protection requirement applies. */
    enum Direction {
        IN, OUT, BOTH;

        boolean covers(boolean inbound) {
            return this == BOTH || (this == IN) == inbound;
        }
    }

    /** {@code protect SUBJECT PROTOCOL in|out|both PROTECTION}. */
    record Protect(Subject subject, String protocol, Direction direction, Protection protection) implements Rule {
        @Override
        public String toString() {
            return "protect " + subject + " " + protocol + " " + direction.name().toLowerCase(java.util.Locale.ROOT)
                    + " " + protection;
        }
    }

    /** {@code read|write CALLER TARGET PROPERTY...}. */
    record Access(boolean write, Subject caller, Subject target, Set<String> properties) implements Rule {
        @Override
        public String toString() {
            return (write ? "write " : "read ") + caller + " " + target + " " + String.join(" ", properties);
        }
    }

    /** {@code read - TARGET PROPERTY...}: what a request that names no thing may read. */
    record UnauthenticatedRead(Subject target, Set<String> properties) implements Rule {
        @Override
        public String toString() {
            return "read " + UNAUTHENTICATED + " " + target + " " + String.join(" ", properties);
        }
    }

    /** {@code token CLIENT AUDIENCE SCOPE...}. */
    record Token(Subject client, Subject audience, Set<String> scopes) implements Rule {
        @Override
        public String toString() {
            return "token " + client + " " + audience + " " + String.join(" ", scopes);
        }
    }

    /** {@code pair THING PEER}: one way; the peer asking for a key with the thing needs its own rule. */
    record Pair(Subject thing, Subject peer) implements Rule {
        @Override
        public String toString() {
            return "pair " + thing + " " + peer;
        }
    }

    /**
     * Reads one rule.
     *
     * @throws IllegalArgumentException naming the field (by position and name) and what is wrong with it; the
     *         message never holds a control character
     */
    static Rule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the rule is empty");
        }
        String[] w = text.strip().split("[ \t]+");
        for (int f = 0; f < w.length; f++) {
            for (int i = 0; i < w[f].length(); i++) {
                char c = w[f].charAt(i);
                if (c < 0x20 || c >= 0x7f) {
                    throw new IllegalArgumentException("field " + (f + 1) + ": character " + (i + 1)
                            + " is not printable ASCII (U+" + String.format("%04X", (int) c)
                            + "): a rule holds printable ASCII only");
                }
            }
        }
        return switch (w[0]) {
            case "protect" -> {
                arity(w, 5, 5, "protect SUBJECT PROTOCOL in|out|both PROTECTION");
                Subject subject = field(w, 1, "subject", Subject::parse);
                String protocol = field(w, 2, "protocol", Rule::protocol);
                Direction direction = field(w, 3, "direction", Rule::direction);
                Protection protection = field(w, 4, "protection", Protection::parse);
                yield new Protect(subject, protocol, direction, protection);
            }
            case "read", "write" -> {
                arity(w, 4, Integer.MAX_VALUE, w[0] + " CALLER TARGET PROPERTY...");
                if (UNAUTHENTICATED.equals(w[1])) {
                    if (w[0].equals("write")) {
                        throw new IllegalArgumentException("field 2 (caller): " + UNAUTHENTICATED + " (a request "
                                + "that names no thing) may only read: a write needs an authenticated caller");
                    }
                    yield new UnauthenticatedRead(field(w, 2, "target", Subject::parse), words(w, "property",
                            PROPERTY, "a property id (a lower-case letter, then up to 31 of a-z 0-9 -) or *"));
                }
                Subject caller = field(w, 1, "caller", Subject::parse);
                Subject target = field(w, 2, "target", Subject::parse);
                yield new Access(w[0].equals("write"), caller, target, words(w, "property", PROPERTY,
                        "a property id (a lower-case letter, then up to 31 of a-z 0-9 -) or *"));
            }
            case "token" -> {
                arity(w, 4, Integer.MAX_VALUE, "token CLIENT AUDIENCE SCOPE...");
                Subject client = field(w, 1, "client", Subject::parse);
                Subject audience = field(w, 2, "audience", Subject::parse);
                yield new Token(client, audience, words(w, "scope", SCOPE,
                        "a scope word (1 to 64 printable characters but ;) or *"));
            }
            case "pair" -> {
                arity(w, 3, 3, "pair THING PEER");
                yield new Pair(field(w, 1, "thing", Subject::parse), field(w, 2, "peer", Subject::parse));
            }
            default -> throw new IllegalArgumentException("field 1 (verb): '" + printable(w[0])
                    + "' is not a rule: start with protect, read, write, token or pair");
        };
    }

    private static void arity(String[] w, int min, int max, String syntax) {
        if (w.length < min || w.length > max) {
            throw new IllegalArgumentException(w.length + " fields, " + (min == max ? "exactly " + min
                    : "at least " + min) + " wanted: write " + syntax);
        }
    }

    private static <T> T field(String[] w, int i, String name, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(w[i]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field " + (i + 1) + " (" + name + "): " + e.getMessage(), e);
        }
    }

    /** Fields 4 and on: property ids or scope words, sorted; {@code *} stands alone. */
    private static Set<String> words(String[] w, String name, Pattern syntax, String what) {
        Set<String> out = new TreeSet<>();
        for (int i = 3; i < w.length; i++) {
            if (!ANY.equals(w[i]) && !syntax.matcher(w[i]).matches()) {
                throw new IllegalArgumentException("field " + (i + 1) + " (" + name + "): '" + printable(w[i])
                        + "' is not " + what);
            }
            out.add(w[i]);
        }
        if (out.size() > 1 && out.contains(ANY)) {
            throw new IllegalArgumentException("field 4 (" + name + "): * already means every " + name
                    + ": write it alone");
        }
        return Collections.unmodifiableSet(out);
    }

    private static String protocol(String text) {
        if (!ANY.equals(text) && !PROTOCOLS.contains(text)) {
            throw new IllegalArgumentException("'" + printable(text) + "' is not a protocol: give one of "
                    + String.join(", ", PROTOCOLS) + " or *");
        }
        return text;
    }

    private static Direction direction(String text) {
        return switch (text) {
            case "in" -> Direction.IN;
            case "out" -> Direction.OUT;
            case "both" -> Direction.BOTH;
            default -> throw new IllegalArgumentException("'" + printable(text) + "' is not a direction: give in, "
                    + "out or both");
        };
    }

    /** Text fit for a message or a log line: no control characters, at most 64 characters. */
    static String printable(String s) {
        String p = s.replaceAll("[^\\x20-\\x7e]", "?");
        return p.length() > 64 ? p.substring(0, 64) + "..." : p;
    }
}
