package org.trusthub.offload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;

/**
 * The hub's offload bundle holds production code only: no device library, nothing exported, and the wire format it
 * shares with devices copied in privately, so a hub needs no device artifact. Read from the manifest bnd wrote into
 * target/classes before the tests run.
 */
class BundleContentsTest {

    @Test
    void theHubBundleExportsNothingAndNeedsNoDeviceLibrary() throws Exception {
        Path classes = Path.of("target", "classes");
        Manifest m;
        try (InputStream in = Files.newInputStream(classes.resolve("META-INF/MANIFEST.MF"))) {
            m = new Manifest(in);
        }
        assertNull(m.getMainAttributes().getValue("Export-Package"), "offload exports nothing");
        String imports = m.getMainAttributes().getValue("Import-Package");
        assertFalse(imports.contains("org.trusthub.offload."), imports);
        String privates = m.getMainAttributes().getValue("Private-Package");
        for (String p : new String[] {"org.trusthub.offload.wire", "org.trusthub.offload.pkix",
            "org.trusthub.offload.wstrust"}) {
            assertTrue(privates.contains(p), p + " is copied in: " + privates);
        }
        assertFalse(Files.exists(classes.resolve("org/trusthub/offload/device")), "no device classes in the hub");
        assertEquals("org.trusthub.offload", m.getMainAttributes().getValue("Bundle-SymbolicName"));
    }
}
