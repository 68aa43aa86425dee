package org.trusthub.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Manifest;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.junit.jupiter.api.Test;

/** The command names the integration tests rely on, and the header that makes Karaf find them. */
class PackagingTest {

    private static final List<Class<?>> SERVICES = List.of(ThingListCommand.class, ThingShowCommand.class,
            ThingEnrollCommand.class, ThingTransitionCommand.class, ThingRecommissionCommand.class,
            ThingKeysCommand.class, KeyRotateCommand.class, HubIdentityCommand.class, ThingIdCompleter.class,
            TransitionCompleter.class, LayerCompleter.class, StateCompleter.class, TrustAnchorListCommand.class,
            TrustAnchorAddCommand.class, TrustAnchorRemoveCommand.class, TrustAnchorCompleter.class, TrustPurposeCompleter.class);

    @Test
    void commandNames() {
        Map<String, String> names = new TreeMap<>();
        for (Class<?> type : SERVICES) {
            Command command = type.getAnnotation(Command.class);
            if (command != null) {
                names.put(command.scope() + ":" + command.name(), type.getSimpleName());
            }
        }
        Map<String, String> expected = new TreeMap<>(Map.of("trusthub:thing-list", "ThingListCommand",
                "trusthub:thing-show", "ThingShowCommand", "trusthub:thing-enroll", "ThingEnrollCommand",
                "trusthub:thing-transition", "ThingTransitionCommand", "trusthub:thing-recommission",
                "ThingRecommissionCommand", "trusthub:thing-keys", "ThingKeysCommand", "trusthub:key-rotate",
                "KeyRotateCommand", "trusthub:hub-identity", "HubIdentityCommand"));
        expected.putAll(Map.of("trusthub:trust-anchor-list", "TrustAnchorListCommand", "trusthub:trust-anchor-add",
                "TrustAnchorAddCommand", "trusthub:trust-anchor-remove", "TrustAnchorRemoveCommand"));
        assertEquals(expected, names);
    }

    @Test
    void karafCommandsHeaderNamesThePackageOfEveryService() throws Exception {
        // bnd writes the manifest into target/classes before the tests run.
        Path manifestFile = Path.of("target", "classes", "META-INF", "MANIFEST.MF");
        assertTrue(Files.exists(manifestFile), "run through Maven: bnd writes " + manifestFile);
        Manifest manifest;
        try (InputStream in = Files.newInputStream(manifestFile)) {
            manifest = new Manifest(in);
        }
        String header = manifest.getMainAttributes().getValue("Karaf-Commands");
        assertNotNull(header, "Karaf-Commands header missing");
        for (Class<?> type : SERVICES) {
            assertNotNull(type.getAnnotation(Service.class), type + " is not a Karaf @Service");
            assertEquals(header, type.getPackageName(), type + " is outside the scanned package");
        }
        String imports = manifest.getMainAttributes().getValue("Import-Package");
        assertTrue(imports.contains("org.apache.karaf.shell.api.action.lifecycle"), imports);
    }
}
