package org.trusthub.offload.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.device.TokenGrant;
import org.trusthub.offload.internal.hub.FakePolicy;
import org.trusthub.offload.internal.hub.OffloadHub;
import org.trusthub.offload.internal.hub.OffloadState;

/** The console shows tokens, groups and counts, and never a secret. */
class OffloadCommandsTest {
    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    ThingRegistryCore registry;
    OffloadHub hub;
    final SecureRandom random = new SecureRandom();
    String secretsHex = "";

    @BeforeEach
    void setUp() throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("ks"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("reg"), keystore, LifecycleEventSink.NONE, Clock.systemUTC());
        hub = new OffloadHub(keystore, registry, Clock.systemUTC(), OffloadHub.Settings.defaults());
        hub.policy(FakePolicy::allowingEverything);
    }

    @AfterEach
    void tearDown() {
        registry.close();
        keystore.close();
    }

    private ConstrainedDevice operational(String name) {
        byte[] root = new byte[32];
        random.nextBytes(root);
        secretsHex += HexFormat.of().formatHex(root) + " ";
        ThingId id = ThingId.of(name);
        registry.enroll(id, "owner", RootCredential.secret(root));
        registry.transition(id, Transition.BOOTSTRAP);
        registry.transition(id, Transition.ACTIVATE);
        return ConstrainedDevice.bootstrap(id, root, 1, Clock.systemUTC(), random);
    }

    private static String output(Callable<Object> command) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            command.call();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsTokensGroupsAndCountsWithoutSecrets() throws Exception {
        OffloadTokensCommand tokens = new OffloadTokensCommand();
        tokens.tokens = hub;
        OffloadGroupsCommand groups = new OffloadGroupsCommand();
        groups.groups = hub;
        OffloadStatsCommand stats = new OffloadStatsCommand();
        stats.stats = hub;
        assertTrue(output(tokens::execute).contains("No tokens issued"));
        assertTrue(output(groups::execute).contains("No groups."));

        ConstrainedDevice a = operational("cmd-a");
        ConstrainedDevice b = operational("cmd-b");
        TokenGrant g = a.acceptTokenResponse(hub.requestToken(a.requestToken(b.id(), "read")));
        hub.create("cmd-group", Set.of(a.id(), b.id()));
        hub.join("cmd-group", operational("cmd-c").id());

        String t = output(tokens::execute);
        assertTrue(t.contains(g.tokenId()) && t.contains("cmd-a") && t.contains("cmd-b") && t.contains("coap_oscore"),
                t);
        String gr = output(groups::execute);
        assertTrue(gr.matches("(?s).*cmd-group\\s*\\|\\s*2\\s*\\|\\s*1,2\\s*\\|.*cmd-a cmd-b cmd-c.*"), gr);
        String s = output(stats::execute);
        assertTrue(s.contains("token") && s.contains("rekey") && s.contains("FORGED"), s);
        for (String secret : secretsHex.trim().split(" ")) {
            assertFalse(t.contains(secret) || gr.contains(secret) || s.contains(secret));
        }
    }

    @Test
    void whatThePolicyRefusesShowsInTheStats() throws Exception {
        FakePolicy policy = new FakePolicy();
        hub.policy(() -> policy);
        OffloadStatsCommand stats = new OffloadStatsCommand();
        stats.stats = hub;
        ConstrainedDevice a = operational("cmd-a");
        ConstrainedDevice b = operational("cmd-b");
        assertThrows(OffloadException.class, () -> hub.requestToken(a.requestToken(b.id(), "read")));
        String s = output(stats::execute);
        assertTrue(s.matches("(?s).*Refused by the security policy \\(POLICY, see trusthub:policy-list\\):\\n"
                + "\\s+token\\s+1\\n.*"), s);
        policy.allowToken("cmd-a", "cmd-b", "read");
        a.acceptTokenResponse(hub.requestToken(a.requestToken(b.id(), "read")));
        assertTrue(output(stats::execute).matches("(?s).*security policy.*\\n\\s+token\\s+1\\n.*"));
    }

    @Test
    void groupsShowTheEpochsRestoredAfterARestartAndNoKeyBytes() throws Exception {
        Path state = dir.resolve("state");
        ConstrainedDevice a = operational("cmd-a");
        ConstrainedDevice b = operational("cmd-b");
        try (OffloadHub first = new OffloadHub(keystore, registry, Clock.systemUTC(), OffloadHub.Settings.defaults(),
                OffloadState.open(state, Clock.systemUTC()))) {
            first.create("cmd-group", Set.of(a.id(), b.id()));
            first.join("cmd-group", operational("cmd-c").id());
        }
        try (OffloadHub again = new OffloadHub(keystore, registry, Clock.systemUTC(),
                OffloadHub.Settings.defaults(), OffloadState.open(state, Clock.systemUTC()))) {
            OffloadGroupsCommand groups = new OffloadGroupsCommand();
            groups.groups = again;
            OffloadStatsCommand stats = new OffloadStatsCommand();
            stats.stats = again;
            String gr = output(groups::execute);
            assertTrue(gr.contains("stored keys of the keystore"), gr);
            assertTrue(gr.matches("(?s).*cmd-group\\s*\\|\\s*2\\s*\\|\\s*1,2\\s*\\|[^|]*\\|\\s*2 of 2\\s*\\|.*"), gr);
            String s = output(stats::execute);
            assertTrue(s.matches("(?s).*epochs-restored\\s+2.*"), s);
            for (long e : new long[] {1, 2}) {
                var k = keystore.storedKey(ThingId.of("offload-group:cmd-group"), Layer.APPLICATION,
                        "offload-epoch-" + e).orElseThrow();
                String hex = HexFormat.of().formatHex(k.bytes());
                k.destroy();
                assertFalse(gr.toLowerCase().contains(hex) || s.toLowerCase().contains(hex));
            }
            for (String secret : secretsHex.trim().split(" ")) {
                assertFalse(gr.contains(secret) || s.contains(secret));
            }
        }
    }

    @Test
    void groupCreateMakesTheFirstEpochAndRefusesWithOneErrorLine() throws Exception {
        operational("gc-a");
        operational("gc-b");
        OffloadGroupCreateCommand create = new OffloadGroupCreateCommand();
        create.groups = hub;
        create.group = "gc-hall";
        create.members = java.util.List.of("gc-a", "gc-b");
        String out = output(create::execute);
        assertTrue(out.contains("Group gc-hall created, epoch 1, members gc-a gc-b"), out);
        assertTrue(hub.group("gc-hall").isPresent());

        org.apache.karaf.shell.support.CommandException taken = org.junit.jupiter.api.Assertions.assertThrows(
                org.apache.karaf.shell.support.CommandException.class, create::execute);
        assertTrue(taken.getMessage().startsWith("Error: "), taken.getMessage());
        create.group = "gc-other";
        create.members = java.util.List.of("gc-a", "BAD\nID");
        org.apache.karaf.shell.support.CommandException bad = org.junit.jupiter.api.Assertions.assertThrows(
                org.apache.karaf.shell.support.CommandException.class, create::execute);
        assertFalse(bad.getMessage().contains("\n"), bad.getMessage());
        create.members = java.util.List.of("gc-a", "gc-ghost");
        org.junit.jupiter.api.Assertions.assertThrows(org.apache.karaf.shell.support.CommandException.class,
                create::execute);
        assertTrue(hub.group("gc-other").isEmpty(), "a refused group is not created");
    }
}
