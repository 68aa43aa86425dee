package org.trusthub.security.policy.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** The command names other bundles, the README and the integration tests rely on; the header Karaf scans. */
class PackagingTest {

    private static final List<Class<?>> COMMANDS = List.of(PolicyListCommand.class, PolicyAddCommand.class,
            PolicyRemoveCommand.class, PolicySetCommand.class, RefusalsCommand.class, SecurityStatusCommand.class);

    @Test
    void commandNames() {
        Map<String, String> names = new TreeMap<>();
        for (Class<?> type : COMMANDS) {
            Command command = type.getAnnotation(Command.class);
            names.put(command.scope() + ":" + command.name(), type.getSimpleName());
        }
        assertEquals(new TreeMap<>(Map.of("trusthub:policy-list", "PolicyListCommand", "trusthub:policy-add",
                "PolicyAddCommand", "trusthub:policy-remove", "PolicyRemoveCommand", "trusthub:policy-set",
                "PolicySetCommand", "trusthub:refusals", "RefusalsCommand", "trusthub:security-status",
                "SecurityStatusCommand")), names);
    }

    @Test
    void karafFindsEveryCommandAndNothingIsExported() throws Exception {
        // bnd writes the manifest into target/classes before the tests run.
        Path manifestFile = Path.of("target", "classes", "META-INF", "MANIFEST.MF");
        assertTrue(Files.exists(manifestFile), "run through Maven: bnd writes " + manifestFile);
        Manifest manifest;
        try (InputStream in = Files.newInputStream(manifestFile)) {
            manifest = new Manifest(in);
        }
        String header = manifest.getMainAttributes().getValue("Karaf-Commands");
        assertNotNull(header, "Karaf-Commands header missing");
        for (Class<?> type : List.of(PolicyListCommand.class, PolicyAddCommand.class, PolicyRemoveCommand.class,
                PolicySetCommand.class, RefusalsCommand.class, SecurityStatusCommand.class, ThingIdCompleter.class)) {
            assertNotNull(type.getAnnotation(Service.class), type + " is not a Karaf @Service");
            assertEquals(header, type.getPackageName(), type + " is outside the scanned package");
        }
        assertNull(manifest.getMainAttributes().getValue("Export-Package"), "the bundle exports nothing");
        assertEquals("org.trusthub.security.policy", manifest.getMainAttributes().getValue("Bundle-SymbolicName"));
    }
}
