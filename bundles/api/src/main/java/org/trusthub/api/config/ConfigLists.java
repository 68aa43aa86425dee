package org.trusthub.api.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The entries of a list-valued setting, however Config Admin delivers it.
 *
 * <p>Karaf's file install reads {@code etc/<pid>.cfg} with Felix's typed properties: {@code key = ["a", "b"]} becomes
 * a String array only when every value in the file is written in that typed syntax; one plain value
 * ({@code defaultPolicy = sign,encrypt}) makes every value of the file a plain String, and the list arrives as the one
 * literal text {@code ["a", "b"]}. So a list setting is read here from any mix of: separated entries in one String
 * ({@code a, b}, the syntax the shipped files show), array elements (a typed file, {@code config:property-append}),
 * and that literal bracketed text.
 */
public final class ConfigLists {

    private ConfigLists() {
    }

    /**
     * The entries of the values, split at {@code separator}, trimmed, empty ones dropped, in order. There is no
     * escape: an entry cannot hold the separator, and quotes belong only to the bracketed form.
     *
     * @param values the setting as a component's configuration returns it (null: no entries)
     * @param separator the character between entries within one value, e.g. {@code ','} or {@code ';'}
     * @throws IllegalArgumentException if a value starts with {@code [} but is not a list of quoted strings, if an
     *         entry starts or ends with a quote ({@code "eth0", "wlan0"} without brackets would otherwise reach the
     *         component with its quotes), or if an entry ends with a backslash (an attempt to escape the separator);
     *         the message quotes no more than the value's first characters
     */
    public static List<String> entries(String[] values, char separator) {
        List<String> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (String value : values) {
            if (value == null) {
                continue;
            }
            String v = value.strip();
            for (String element : v.startsWith("[") ? quotedList(v) : List.of(v)) {
                for (String entry : element.split(java.util.regex.Pattern.quote(String.valueOf(separator)))) {
                    String e = entry.strip();
                    if (e.isEmpty()) {
                        continue;
                    }
                    if (e.startsWith("\"") || e.startsWith("'") || e.endsWith("\"") || e.endsWith("'")) {
                        throw new IllegalArgumentException("entry " + shown(e) + " is quoted: write the entries "
                                + "without quotes, separated by '" + separator + "', or as a whole list "
                                + "[\"a\", \"b\"]");
                    }
                    if (e.endsWith("\\")) {
                        throw new IllegalArgumentException("entry " + shown(e) + " ends with a backslash: '"
                                + separator + "' cannot be escaped, an entry cannot hold it");
                    }
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** {@code ["a", "b\"c"]}: the typed-list syntax of Felix's .config files, backslash escapes. */
    private static List<String> quotedList(String text) {
        List<String> out = new ArrayList<>();
        int i = 1;
        int n = text.length();
        while (true) {
            i = skipSpace(text, i);
            if (i < n && text.charAt(i) == ']' && out.isEmpty()) {
                i++;
                break;
            }
            if (i >= n || text.charAt(i) != '"') {
                throw malformed(text);
            }
            StringBuilder b = new StringBuilder();
            i++;
            while (i < n && text.charAt(i) != '"') {
                char c = text.charAt(i++);
                if (c == '\\') {
                    if (i >= n) {
                        throw malformed(text);
                    }
                    c = text.charAt(i++);
                }
                b.append(c);
            }
            if (i >= n) {
                throw malformed(text);
            }
            out.add(b.toString());
            i = skipSpace(text, i + 1);
            if (i < n && text.charAt(i) == ',') {
                i++;
            } else if (i < n && text.charAt(i) == ']') {
                i++;
                break;
            } else {
                throw malformed(text);
            }
        }
        if (skipSpace(text, i) != n) {
            throw malformed(text);
        }
        return out;
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException(shown(text) + " starts with '[' but is not a list of quoted strings "
                + "like [\"a\", \"b\"]");
    }

    private static String shown(String text) {
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }
}
