package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import org.junit.Test;
import org.trusthub.itests.SeamCheck.BundleDeps;
import org.trusthub.itests.SeamCheck.Violation;

/**
 * Fails the build when a bundle reaches around the seam, read from the manifests of the bundles the build just made
 * (the distribution's system repository): a binding importing another binding, anything importing an
 * {@code internal} package, a binding importing trusthub packages beyond the api, its own and the security
 * bundles' provider SPIs. A plain unit test (surefire), so it runs in {@code ./mvnw verify} before the Pax Exam tests.
 */
public class SeamTest {

    /**
     * The violations main still has, each with why it is there; the redesign of issue 12 removes them one by one, and
     * each must leave this list with its fix: an entry that no longer occurs fails the test too, so the list only
     * shrinks. Key: {@code bundle -> package} (or {@code bundle -> bundle NAME} for Require-Bundle).
     */
    static final Map<String, String> ALLOWED = Map.of();

    @Test
    public void noBundleReachesAroundTheSeam() throws Exception {
        String distribution = System.getProperty("trusthub.distribution");
        assertTrue("system property trusthub.distribution is not set: run through Maven (./mvnw verify)",
                distribution != null && !distribution.isBlank());
        List<BundleDeps> bundles = SeamCheck.bundlesIn(Path.of(distribution));
        Set<String> names = bundles.stream().map(BundleDeps::symbolicName).collect(Collectors.toCollection(
                TreeSet::new));
        assertTrue("the api and the bindings are among the bundles read from " + distribution + ": " + names,
                names.contains("org.trusthub.api") && names.stream().filter(n -> n.startsWith(SeamCheck.BINDING))
                        .count() >= 4);

        List<Violation> found = bundles.stream().flatMap(b -> SeamCheck.check(b).stream()).sorted(
                java.util.Comparator.comparing(Violation::key)).toList();
        List<String> unexpected = found.stream().filter(v -> !ALLOWED.containsKey(v.key())).map(Violation::toString)
                .toList();
        Set<String> seen = found.stream().map(Violation::key).collect(Collectors.toSet());
        Set<String> fixed = ALLOWED.keySet().stream().filter(k -> !seen.contains(k)).collect(Collectors.toCollection(
                TreeSet::new));
        assertEquals("dependencies that reach around the seam (depend on org.trusthub.api or a security provider SPI "
                + "instead)", List.of(), unexpected);
        assertEquals("fixed: remove these from SeamTest.ALLOWED", Set.of(), fixed);
    }

    @Test
    public void aSimulatorBundleMayPlugIntoItsOwnBindingsSpiOnly() {
        BundleDeps simulator = BundleDeps.of(manifest("org.trusthub.binding.foo.simulator",
                "org.trusthub.binding.foo.spi;version=\"[1.0,2)\",org.trusthub.binding.foo.internal,"
                        + "org.trusthub.binding.bar.spi", null));
        assertEquals(List.of(
                "org.trusthub.binding.foo.simulator -> org.trusthub.binding.foo.internal (imports an internal package)",
                "org.trusthub.binding.foo.simulator -> org.trusthub.binding.bar.spi (a binding depends on another "
                        + "binding)"),
                SeamCheck.check(simulator).stream().map(Violation::toString).toList());
    }

    @Test
    public void theCheckCatchesEachKindOfViolation() {
        BundleDeps binding = BundleDeps.of(manifest("org.trusthub.binding.foo;singleton:=true",
                "org.trusthub.api.thing;version=\"[1.0,2)\",org.trusthub.binding.foo.spi,"
                        + "org.trusthub.security.oscore;version=\"[1.0,2)\",org.slf4j;version=\"[1.7,2)\","
                        + "org.trusthub.binding.bar;version=\"[1.0,2)\",org.trusthub.storage,"
                        + "org.trusthub.security.tls.internal;resolution:=optional",
                "org.trusthub.lifecycle;bundle-version=\"[0.1,1)\",org.trusthub.api"));
        assertEquals(List.of(
                "org.trusthub.binding.foo -> org.trusthub.binding.bar (a binding depends on another binding)",
                "org.trusthub.binding.foo -> org.trusthub.storage (a binding depends on more than the api and "
                        + "security provider SPIs)",
                "org.trusthub.binding.foo -> org.trusthub.security.tls.internal (imports an internal package)",
                "org.trusthub.binding.foo -> bundle org.trusthub.lifecycle (a binding depends on more than the api "
                        + "and security provider SPIs)"),
                SeamCheck.check(binding).stream().map(Violation::toString).toList());

        BundleDeps other = BundleDeps.of(manifest("org.trusthub.model",
                "org.trusthub.storage,org.trusthub.lifecycle.internal,org.trusthub.binding.coap", null));
        assertEquals(List.of("org.trusthub.model -> org.trusthub.lifecycle.internal (imports an internal package)"),
                SeamCheck.check(other).stream().map(Violation::toString).toList());
    }

    @Test
    public void headersAreSplitOutsideQuotes() {
        assertEquals(List.of("a.b", "c", "d", "e"), SeamCheck.firstNames(
                "a.b;version=\"[1.0,2)\", c;d;uses:=\"x,y\";resolution:=optional,e"));
        assertEquals(List.of(), SeamCheck.firstNames(null));
        assertTrue(SeamCheck.isInternal("org.trusthub.x.internal") && SeamCheck.isInternal("a.internal.b")
                && !SeamCheck.isInternal("org.trusthub.internals"));
    }

    private static Manifest manifest(String symbolicName, String imports, String requires) {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Import-Package", imports);
        if (requires != null) {
            a.putValue("Require-Bundle", requires);
        }
        return m;
    }
}
