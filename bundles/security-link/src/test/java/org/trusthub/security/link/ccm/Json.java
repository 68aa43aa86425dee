package org.trusthub.security.link.ccm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A minimal JSON reader for the test vector files (objects, arrays, strings, numbers, booleans, null). */
public final class Json {
    private final String s;
    private int p;

    private Json(String s) {
        this.s = s;
    }

    public static Object resource(Class<?> anchor, String path) throws IOException {
        try (InputStream in = anchor.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("test resource missing: " + path);
            }
            Json j = new Json(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return j.value();
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> arr(Object o) {
        return (List<Object>) o;
    }

    public static byte[] hex(Object o) {
        return HexFormat.of().parseHex((String) o);
    }

    private Object value() {
        ws();
        char c = s.charAt(p);
        switch (c) {
            case '{': {
                p++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (s.charAt(p) == '}') {
                    p++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(p++) == '}') {
                        return m;
                    }
                }
            }
            case '[': {
                p++;
                List<Object> l = new ArrayList<>();
                ws();
                if (s.charAt(p) == ']') {
                    p++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(p++) == ']') {
                        return l;
                    }
                }
            }
            case '"':
                return string();
            default: {
                int start = p;
                while (p < s.length() && ",}] \n\r\t".indexOf(s.charAt(p)) < 0) {
                    p++;
                }
                String t = s.substring(start, p);
                return switch (t) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    case "null" -> null;
                    default -> Long.parseLong(t);
                };
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (s.charAt(p) != '"') {
            char c = s.charAt(p++);
            if (c == '\\') {
                char e = s.charAt(p++);
                if (e == 'u') {
                    b.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                    p += 4;
                } else {
                    b.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> e;
                    });
                }
            } else {
                b.append(c);
            }
        }
        p++;
        return b.toString();
    }

    private void expect(char c) {
        if (s.charAt(p++) != c) {
            throw new IllegalStateException("expected " + c + " at " + (p - 1));
        }
    }

    private void ws() {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
    }
}
