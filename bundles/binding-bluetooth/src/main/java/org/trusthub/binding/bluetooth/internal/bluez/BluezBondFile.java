package org.trusthub.binding.bluetooth.internal.bluez;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * BlueZ's bond of one device: {@code <bondDirectory>/<adapter address>/<device identity address>/info}, a key file
 * that only root can read. [LongTermKey] is the key the hub uses as central; its Authenticated entry is the kernel's
 * management key type (0 and 1 legacy, 2 and 3 from P-256, i.e. LE Secure Connections, 4 the P-256 debug key, which
 * is public and protects nothing). [IdentityResolvingKey] holds the peer's IRK. BlueZ writes both keys in the
 * controller's (least significant octet first) order; the hub keeps the IRK most significant octet first, the order
 * ah() takes.
 *
 * <p>Never logs, prints or puts into an exception message a key or the file's text.
 */
final class BluezBondFile {

    /** What the file held: keys (the caller wipes them) and whether they came from LE Secure Connections. */
    record Keys(byte[] ltk, byte[] irk, int ltkType) {
        boolean secureConnections() {
            return ltkType == 2 || ltkType == 3;
        }

        @Override
        public String toString() {
            return "Keys[type " + ltkType + ", irk " + (irk != null) + ", redacted]";
        }
    }

    /** Why the bond could not be read. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    private BluezBondFile() {
    }

    static Path of(Path bondDirectory, String adapterAddress, String deviceAddress) {
        return bondDirectory.resolve(adapterAddress.toUpperCase(Locale.ROOT))
                .resolve(deviceAddress.toUpperCase(Locale.ROOT)).resolve("info");
    }

    static Keys read(Path info) throws Unreadable {
        String text;
        try {
            text = Files.readString(info, StandardCharsets.UTF_8);
        } catch (AccessDeniedException e) {
            throw new Unreadable("the hub may not read BlueZ's bond " + info + " (root only; grant the hub's user "
                    + "read access, e.g. setfacl -R -m u:<user>:rX on the adapter's directory)");
        } catch (NoSuchFileException e) {
            throw new Unreadable("BlueZ stored no bond at " + info);
        } catch (IOException e) {
            throw new Unreadable("BlueZ's bond " + info + " cannot be read: " + e.getClass().getSimpleName());
        }
        Map<String, Map<String, String>> groups = parse(text);
        Map<String, String> ltk = groups.get("LongTermKey");
        if (ltk == null || ltk.get("Key") == null) {
            throw new Unreadable("BlueZ's bond " + info + " has no [LongTermKey] (not an LE bond)");
        }
        int type;
        try {
            type = Integer.parseInt(ltk.getOrDefault("Authenticated", ""));
        } catch (NumberFormatException e) {
            throw new Unreadable("BlueZ's bond " + info + " has no valid LongTermKey Authenticated entry");
        }
        byte[] ltkBytes = key(ltk.get("Key"), info, "LongTermKey");
        Map<String, String> irkGroup = groups.get("IdentityResolvingKey");
        byte[] irk = null;
        if (irkGroup != null && irkGroup.get("Key") != null) {
            irk = reverse(key(irkGroup.get("Key"), info, "IdentityResolvingKey"));
        }
        return new Keys(ltkBytes, irk, type);
    }

    private static byte[] key(String hex, Path info, String group) throws Unreadable {
        if (hex.length() != 32) {
            throw new Unreadable("BlueZ's bond " + info + " has a " + group + " that is not 16 octets");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new Unreadable("BlueZ's bond " + info + " has a " + group + " that is not hexadecimal");
        }
    }

    private static byte[] reverse(byte[] b) {
        for (int i = 0, j = b.length - 1; i < j; i++, j--) {
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        return b;
    }

    private static Map<String, Map<String, String>> parse(String text) {
        Map<String, Map<String, String>> groups = new HashMap<>();
        Map<String, String> current = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = groups.computeIfAbsent(line.substring(1, line.length() - 1), g -> new HashMap<>());
            } else if (current != null && line.indexOf('=') > 0) {
                int eq = line.indexOf('=');
                current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return groups;
    }
}
