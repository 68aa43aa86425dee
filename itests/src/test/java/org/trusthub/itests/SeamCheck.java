package org.trusthub.itests;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.GZIPInputStream;

/**
 * The rules of the seam between bundles, checked on the {@code Import-Package} and {@code Require-Bundle} headers the
 * build wrote: a protocol binding depends on the api, its own packages and the published provider SPIs of security
 * bundles; nothing reaches into another bundle's {@code internal} packages.
 */
final class SeamCheck {

    static final String TRUSTHUB = "org.trusthub.";
    static final String BINDING = "org.trusthub.binding.";
    static final String API = "org.trusthub.api";
    static final String SECURITY = "org.trusthub.security.";

    private SeamCheck() {
    }

    /** One built bundle: its symbolic name and the packages and bundles it depends on. */
    record BundleDeps(String symbolicName, List<String> importedPackages, List<String> requiredBundles) {

        static BundleDeps of(Manifest manifest) {
            Attributes main = manifest.getMainAttributes();
            String name = main.getValue("Bundle-SymbolicName");
            if (name == null) {
                throw new IllegalArgumentException("not a bundle: no Bundle-SymbolicName");
            }
            return new BundleDeps(firstNames(name).get(0), firstNames(main.getValue("Import-Package")),
                    firstNames(main.getValue("Require-Bundle")));
        }
    }

    /** A dependency that reaches around the seam. */
    record Violation(String bundle, String target, String rule) {
        String key() {
            return bundle + " -> " + target;
        }

        @Override
        public String toString() {
            return key() + " (" + rule + ")";
        }
    }

    /** Every rule a bundle's dependencies break, at most one violation per depended-on package or bundle. */
    static List<Violation> check(BundleDeps bundle) {
        List<Violation> found = new ArrayList<>();
        for (String pkg : bundle.importedPackages()) {
            rule(bundle.symbolicName(), pkg, false).ifPresent(rule -> found.add(
                    new Violation(bundle.symbolicName(), pkg, rule)));
        }
        for (String required : bundle.requiredBundles()) {
            rule(bundle.symbolicName(), required, true).ifPresent(rule -> found.add(
                    new Violation(bundle.symbolicName(), "bundle " + required, rule)));
        }
        return found;
    }

    private static Optional<String> rule(String bundle, String target, boolean isBundle) {
        boolean own = target.equals(bundle) || target.startsWith(bundle + ".");
        if (!isBundle && isInternal(target)) {
            return Optional.of("imports an internal package");
        }
        if (!bundle.startsWith(BINDING) || own || !target.startsWith(TRUSTHUB)) {
            return Optional.empty();
        }
        if (target.startsWith(BINDING)) {
            return Optional.of("a binding depends on another binding");
        }
        if (target.equals(API) || target.startsWith(API + ".")) {
            return Optional.empty();
        }
        if (target.startsWith(SECURITY) && !isInternal(target)) {
            return Optional.empty();
        }
        return Optional.of("a binding depends on more than the api and security provider SPIs");
    }

    static boolean isInternal(String name) {
        return name.endsWith(".internal") || name.contains(".internal.");
    }

    /**
     * The names of an OSGi header's clauses (the part before the first {@code ;} of each), in order: clauses are
     * separated by commas outside quotes ({@code version="[1.0,2)"} holds one).
     */
    static List<String> firstNames(String header) {
        List<String> names = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return names;
        }
        StringBuilder clause = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i <= header.length(); i++) {
            char c = i < header.length() ? header.charAt(i) : ',';
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                String text = clause.toString().strip();
                if (!text.isEmpty()) {
                    // "a;b;version=1" exports or imports a and b alike
                    for (String part : text.split(";")) {
                        if (part.contains("=") || part.contains(":=")) {
                            break;
                        }
                        names.add(part.strip());
                    }
                }
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quote in header: " + header);
        }
        return names;
    }

    /** The trusthub bundles in the distribution archive (its system/org/trusthub/ repository). */
    static List<BundleDeps> bundlesIn(Path distributionTarGz) throws IOException {
        List<BundleDeps> bundles = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(distributionTarGz)))) {
            byte[] header = new byte[512];
            String longName = null;
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                long size = Long.parseLong(tarString(header, 124, 12).trim(), 8);
                char type = (char) header[156];
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'L') {
                    longName = new String(body, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                if (type == 'x') {
                    longName = paxPath(new String(body, StandardCharsets.UTF_8));
                    continue;
                }
                String prefix = tarString(header, 345, 155);
                String name = longName != null ? longName
                        : (prefix.isEmpty() ? "" : prefix + "/") + tarString(header, 0, 100);
                longName = null;
                if (name.contains("/system/org/trusthub/") && name.endsWith(".jar")) {
                    try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(body))) {
                        Manifest manifest = jar.getManifest();
                        if (manifest == null) {
                            throw new IOException(name + " has no manifest");
                        }
                        bundles.add(BundleDeps.of(manifest));
                    }
                }
            }
        }
        return bundles;
    }

    private static String paxPath(String records) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static String tarString(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
