package org.trusthub.binding.dpws.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.namespace.QName;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The input of an operation an operator or a bridged write gives as text: XML whose root is the operation's input
 * element, or JSON that becomes it (a string, number or boolean is its text; an object's members are child elements
 * in its namespace, arrays repeat them, nested objects nest). Refuses anything else with the reason.
 */
public final class InvokeInput {

    /** Longest input text taken. */
    static final int MAX_INPUT = 8192;
    private static final int MAX_DEPTH = 16;

    private InvokeInput() {
    }

    /**
     * @param element the operation's input element from its WSDL; null when the WSDL names none (then only XML,
     *        whose root is taken as it is, or no input)
     * @return the payload, or null for no input and no input element
     * @throws IllegalArgumentException saying what is wrong with the input
     */
    public static Element parse(String text, QName element) {
        if (text == null || text.isBlank()) {
            return element == null ? null : Xml.newDocument().createElementNS(element.getNamespaceURI(),
                    "in:" + element.getLocalPart());
        }
        if (text.length() > MAX_INPUT) {
            throw new IllegalArgumentException("bad input: longer than " + MAX_INPUT + " characters");
        }
        String t = text.strip();
        if (t.startsWith("<")) {
            Element root;
            try {
                root = Xml.parse(t.getBytes(StandardCharsets.UTF_8), MAX_INPUT * 4).getDocumentElement();
            } catch (MalformedMessageException e) {
                throw new IllegalArgumentException("bad input: " + e.getMessage(), e);
            }
            QName got = new QName(root.getNamespaceURI() == null ? "" : root.getNamespaceURI(), root.getLocalName());
            if (element != null && !element.equals(got)) {
                throw new IllegalArgumentException("bad input: its root element is " + got
                        + ", the operation's input element is " + element);
            }
            return root;
        }
        if (element == null) {
            throw new IllegalArgumentException("bad input: the operation's WSDL names no input element, so only XML "
                    + "input is taken");
        }
        Object json = new Json(t).document();
        Document doc = Xml.newDocument();
        Element root = doc.createElementNS(element.getNamespaceURI(), "in:" + element.getLocalPart());
        doc.appendChild(root);
        fill(root, json, element.getNamespaceURI(), 0);
        return root;
    }

    private static void fill(Element e, Object value, String ns, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("bad input: JSON nested deeper than " + MAX_DEPTH);
        }
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> entry : m.entrySet()) {
                String name = (String) entry.getKey();
                if (!name.matches("[A-Za-z_][A-Za-z0-9._-]{0,63}")) {
                    throw new IllegalArgumentException("bad input: JSON member '" + Xml.printable(name)
                            + "' is not an XML element name");
                }
                List<?> items = entry.getValue() instanceof List<?> l ? l : List.of(entry.getValue());
                for (Object item : items) {
                    fill(Xml.add(e, ns, "in:" + name), item, ns, depth + 1);
                }
            }
        } else if (value instanceof List<?>) {
            throw new IllegalArgumentException("bad input: a JSON array needs a member name to become elements");
        } else if (value != null) {
            e.setTextContent(value.toString());
        }
    }

    /** A small JSON reader: objects, arrays, strings, numbers (as written), true, false, null. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object document() {
            Object v = value(0);
            space();
            if (i != s.length()) {
                throw bad("unexpected text after the JSON value");
            }
            return v;
        }

        private Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw bad("nested deeper than " + MAX_DEPTH);
            }
            space();
            if (i >= s.length()) {
                throw bad("unexpected end");
            }
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                space();
                if (peek('}')) {
                    return m;
                }
                do {
                    space();
                    String k = string();
                    space();
                    expect(':');
                    m.put(k, value(depth + 1));
                    space();
                } while (peek(','));
                expect('}');
                return m;
            }
            if (c == '[') {
                i++;
                List<Object> l = new ArrayList<>();
                space();
                if (peek(']')) {
                    return l;
                }
                do {
                    l.add(value(depth + 1));
                    space();
                } while (peek(','));
                expect(']');
                return l;
            }
            if (c == '"') {
                return string();
            }
            for (String word : new String[] {"true", "false", "null"}) {
                if (s.startsWith(word, i)) {
                    i += word.length();
                    return word.equals("null") ? null : word;
                }
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String n = s.substring(start, i);
            if (!n.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                throw bad("not a JSON value at character " + (start + 1));
            }
            return n;
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (i < s.length() && s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    if (i >= s.length()) {
                        throw bad("unterminated string");
                    }
                    char e = s.charAt(i++);
                    switch (e) {
                        case '"', '\\', '/' -> b.append(e);
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'n' -> b.append('\n');
                        case 'r' -> b.append('\r');
                        case 't' -> b.append('\t');
                        case 'u' -> {
                            if (i + 4 > s.length()) {
                                throw bad("short \\u escape");
                            }
                            try {
                                b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            } catch (NumberFormatException x) {
                                throw bad("bad \\u escape");
                            }
                            i += 4;
                        }
                        default -> throw bad("bad escape \\" + e);
                    }
                } else {
                    b.append(c);
                }
            }
            expect('"');
            return b.toString();
        }

        private void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private boolean peek(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw bad("expected '" + c + "' at character " + (i + 1));
            }
        }

        private IllegalArgumentException bad(String why) {
            return new IllegalArgumentException("bad input: neither XML nor valid JSON (" + why + ")");
        }
    }
}
