package org.trusthub.binding.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.thing.ThingId;

/** The broker's files as the hub writes them, and the broker's reload signal, without a broker. */
class BrokerCredentialsTest {

    @TempDir
    Path dir;

    private MqttTestHub hub;
    private ThingId lamp;

    @BeforeEach
    void setUp() throws Exception {
        hub = new MqttTestHub(dir.resolve("hub"));
        lamp = hub.operational("lamp-1");
    }

    @AfterEach
    void tearDown() throws Exception {
        hub.close();
    }

    @Test
    void aThingIdWithAColonIsRefusedWhereThingsAreDescribed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ThingDescriptions.parse(new String[] { "lamp-1 on:switch; a:bc on:switch" }));
        assertTrue(e.getMessage().contains("thing a:bc cannot be served over MQTT"), e.getMessage());
    }

    @Test
    void aThingIdWithAColonNeverReachesThePskFileAndIsCounted() throws Exception {
        // "a:bc:HEX" would give mosquitto identity "a" with key 0xbc
        ThingId colon = hub.operational("a:bc");
        BrokerCredentials credentials = credentials(dir.resolve("broker"), Optional.empty());
        Set<ThingId> written = credentials.write(List.of(colon, lamp), hub.keystore.hubIdentity().certificate());
        assertEquals(Set.of(lamp), written);
        assertEquals(1, credentials.uncarried());
        List<String> psk = Files.readAllLines(dir.resolve("broker").resolve("psk"), StandardCharsets.US_ASCII);
        assertEquals(1, psk.size());
        assertTrue(psk.get(0).startsWith("lamp-1:"));
        assertTrue(!Files.readString(dir.resolve("broker").resolve("acl")).contains("a:bc"));
    }

    @Test
    void aNewFileIsNeverWrittenThroughALinkPlantedInItsPlace() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        Path link = Files.createSymbolicLink(dir.resolve(".psk.new"), victim);
        assertThrows(IOException.class, () -> BrokerCredentials.writeNew(link, "lamp-1:00"));
        assertEquals("untouched", Files.readString(victim));
    }

    @Test
    void linksPlantedInTheBrokerDirectoryAreReplacedNotFollowed() throws Exception {
        Path broker = Files.createDirectories(dir.resolve("broker"));
        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        Files.createSymbolicLink(broker.resolve("psk"), victim);
        Files.createSymbolicLink(broker.resolve(".acl.new"), victim);
        credentials(broker, Optional.empty()).write(List.of(lamp), hub.keystore.hubIdentity().certificate());
        assertEquals("untouched", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(broker.resolve("psk")));
        assertFalse(Files.isSymbolicLink(broker.resolve("acl")));
        assertTrue(Files.readString(broker.resolve("psk")).startsWith("lamp-1:"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(broker.resolve("psk"))));
    }

    @Test
    void aDirectoryTheBindingCreatesIsOwnerOnly() throws Exception {
        Path broker = dir.resolve("data").resolve("mqtt");
        credentials(broker, Optional.empty()).write(List.of(lamp), hub.keystore.hubIdentity().certificate());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(broker)));
    }

    @Test
    void aPidFileNamingAProcessThatIsNotMosquittoIsNotSignalled() throws Exception {
        // this JVM: a SIGHUP would end it, and the test with it
        Path pidFile = Files.writeString(dir.resolve("broker.pid"), Long.toString(ProcessHandle.current().pid()));
        BrokerCredentials credentials = credentials(dir.resolve("broker"), Optional.of(pidFile));
        credentials.write(List.of(lamp), hub.keystore.hubIdentity().certificate());
        credentials.write(List.of(), hub.keystore.hubIdentity().certificate());
        assertTrue(credentials.notRevoked().startsWith("credentials NOT revoked at the broker: process "
                + ProcessHandle.current().pid() + " named in " + pidFile + " is not mosquitto (executable java"),
                credentials.notRevoked());
        assertTrue(credentials.notRevoked().endsWith("(lamp-1 can still connect until it reloads)"),
                credentials.notRevoked());
    }

    private BrokerCredentials credentials(Path directory, Optional<Path> pidFile) {
        return new BrokerCredentials(directory, pidFile, hub.keystore, new Topics("trusthub"));
    }
}
