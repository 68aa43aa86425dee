package org.trusthub.binding.coap.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

import org.apache.karaf.shell.support.CommandException;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.coap.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.coap.internal.CoapBindingComponent;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.RawValueStore;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.ThingPsk;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;

/** The console commands against the real binding, with a thing registered over DTLS. */
class CoapCommandsTest {

    @TempDir
    Path dir;
    FileThingKeyStore keys;
    ThingRegistryCore registry;
    CoapBindingComponent binding;
    CoapClient client;

    @BeforeEach
    void start() throws Exception {
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
        binding = CoapTestPeers.binding(registry, new DtlsComponent(keys, registry),
                new OscoreComponent(keys, registry), CoapTestPeers.config(), new TestPolicy());
        binding.bindValues(new RawValueStore(Clock.systemUTC()));
        ThingId lamp = CoapTestPeers.operational(registry, "lamp-1");
        client = CoapTestPeers.client(CoapTestPeers.pskEndpoint(keys, lamp));
        String hub = "coaps://127.0.0.1:" + binding.secureAddress().orElseThrow().getPort();
        Request register = Request.newPost();
        register.setURI(hub + "/rd?ep=lamp-1");
        register.getOptions().setContentFormat(40);
        register.setPayload("</light>;rt=\"light\"");
        assertEquals("2.01", client.advanced(register).getCode().toString().substring(0, 4));
        Request put = Request.newPut();
        put.setURI(hub + "/things/lamp-1/state");
        put.setPayload("on");
        client.advanced(put);
    }

    @AfterEach
    void stop() {
        client.getEndpoint().destroy();
        client.shutdown();
        binding.deactivate();
        registry.close();
        keys.close();
    }

    private static String run(CoapAction action) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        action.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        action.execute();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thingsShowSecurityModeSessionsAndRegistration() throws Exception {
        CoapThingsCommand things = new CoapThingsCommand();
        things.coap = binding;
        String out = run(things);
        assertTrue(out.contains("CoAP endpoints: plain/OSCORE /127.0.0.1:"), out);
        assertTrue(out.matches("(?s).*lamp-1\\s*\\|\\s*dtls-psk\\s*\\|[^|]*\\|\\s*1\\s*\\|\\s*1\\s*\\|\\s*no\\s*\\|\\s*1.*"),
                out);
        assertFalse(out.contains(new String(ThingPsk.secret(keys, ThingId.of("lamp-1")), StandardCharsets.US_ASCII)),
                "no key material in the output");
    }

    @Test
    void resourcesShowLinksAndValues() throws Exception {
        CoapResourcesCommand resources = new CoapResourcesCommand();
        resources.coap = binding;
        resources.thing = "lamp-1";
        String out = run(resources);
        assertTrue(out.contains("lamp-1 registered via dtls-psk"), out);
        assertTrue(out.contains("</light>;rt=\"light\""), out);
        assertTrue(out.matches("(?s).*state\\s*\\|\\s*on\\s*\\|\\s*written.*"), out);
    }

    @Test
    void badThingIdIsOneErrorLine() {
        CoapResourcesCommand resources = new CoapResourcesCommand();
        resources.coap = binding;
        resources.thing = "NOT VALID\nforged line";
        resources.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandException e = assertThrows(CommandException.class, resources::execute);
        assertTrue(e.getMessage().startsWith("Error: not a thing id"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void readOfAnUnregisteredThingIsRefused() {
        CoapReadCommand read = new CoapReadCommand();
        read.coap = binding;
        read.thing = "ghost";
        read.path = "/x";
        read.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandException e = assertThrows(CommandException.class, read::execute);
        assertEquals("Error: ghost is not registered", e.getMessage());
    }

    @Test
    void withoutAThingTheContributedResourcesAreListedWithTheirStatus() throws Exception {
        CoapResourcesCommand resources = new CoapResourcesCommand();
        resources.coap = binding;
        assertTrue(run(resources).contains("No contributed resources"));
        org.trusthub.binding.coap.spi.CoapHandler nothing = call -> org.trusthub.binding.coap.spi.CoapReply.error(
                org.trusthub.binding.coap.spi.CoapReply.Status.BAD_REQUEST, "no");
        binding.contribute(org.trusthub.binding.coap.internal.ContributionsTest.contribution("demo",
                java.util.Map.of("a", nothing, "b", nothing)), "demo-bundle [7]");
        binding.contribute(org.trusthub.binding.coap.internal.ContributionsTest.contribution("demo",
                java.util.Map.of("c", nothing)), "late-bundle [8]");
        String out = run(resources);
        assertTrue(out.matches("(?s).*/demo\\s*\\|\\s*a b\\s*\\|\\s*demo-bundle \\[7\\]\\s*\\|\\s*served.*"), out);
        assertTrue(out.contains("refused: /demo is owned by demo-bundle [7]"), out);
    }
}
