package org.trusthub.api.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import aQute.bnd.differ.Baseline;
import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Processor;

/**
 * The recorded release the build baselines the API against (bnd-baseline-maven-plugin, configured in the parent's
 * osgi-bundle profile, base version 0.1.0 from {@code baseline/repo}) and the check itself: bnd's baselining, which the
 * plugin runs, accepts the release against itself and refuses a copy with an incompatible change to an exported
 * package whose version was not bumped.
 */
class BaselineTest {

    private static final Path RELEASE = Path.of(System.getProperty("trusthub.baseline.repo", "../../baseline/repo"))
            .resolve("org/trusthub/org.trusthub.api/0.1.0/org.trusthub.api-0.1.0.jar");

    @TempDir
    Path dir;

    @Test
    void theRecordedReleaseIsThereAndExportsTheApi() throws Exception {
        assertTrue(Files.isRegularFile(RELEASE), "no recorded release at " + RELEASE.toAbsolutePath());
        try (Jar release = new Jar(RELEASE.toFile())) {
            String exports = release.getManifest().getMainAttributes().getValue("Export-Package");
            assertTrue(exports.contains("org.trusthub.api.thing;version=\"1."), exports);
            assertEquals(List.of(), mismatches(release, release));
        }
    }

    @Test
    void removingAPublicTypeOfAnExportedPackageFailsTheBaseline() throws Exception {
        Path broken = copyWithout(e -> e.equals("org/trusthub/api/thing/ThingId.class"));
        try (Jar release = new Jar(RELEASE.toFile()); Jar newer = new Jar(broken.toFile())) {
            assertEquals(List.of("org.trusthub.api.thing"), mismatches(newer, release));
        }
    }

    /** The packages whose version the baseline says is too low, as the plugin reports them (and fails). */
    private static List<String> mismatches(Jar newer, Jar older) throws Exception {
        try (Processor reporter = new Processor()) {
            Set<Baseline.Info> infos = new Baseline(reporter, new DiffPluginImpl()).baseline(newer, older, null);
            return infos.stream().filter(i -> i.mismatch).map(i -> i.packageName).sorted()
                    .collect(Collectors.toList());
        }
    }

    private Path copyWithout(Predicate<String> dropped) throws IOException {
        Path copy = dir.resolve("broken.jar");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(RELEASE));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (!dropped.test(e.getName())) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return copy;
    }
}
