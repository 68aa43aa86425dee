package org.trusthub.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ThingRegistryComponentTest {

    @Test
    void configuredDirectoryWins() {
        assertEquals(Path.of("/srv/registry"), ThingRegistryComponent.registryDirectory(" /srv/registry ", "/data"));
    }

    @Test
    void defaultIsUnderKarafData() {
        assertEquals(Path.of("/opt/karaf/data/trusthub/registry"),
                ThingRegistryComponent.registryDirectory("", "/opt/karaf/data"));
    }

    @Test
    void neitherIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ThingRegistryComponent.registryDirectory("", null));
        assertTrue(e.getMessage().contains("registryDirectory"), e.getMessage());
        assertTrue(e.getMessage().contains("karaf.data"), e.getMessage());
    }
}
