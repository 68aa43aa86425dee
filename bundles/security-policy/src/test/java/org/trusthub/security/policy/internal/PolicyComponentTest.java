package org.trusthub.security.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;

/** The policy in force is what Config Admin holds, read back on every callback; groups come from offload. */
class PolicyComponentTest {
    static final ThingId LAMP = ThingId.of("lamp-1");
    static final ThingId SENSOR = ThingId.of("sensor-1");
    final ConfigAdminStub config = new ConfigAdminStub();

    @Test
    void withoutAConfigurationNothingIsRequiredOrGranted() {
        PolicyComponent p = config.activate();
        assertEquals(Protection.NONE, p.inbound(LAMP, "coap"));
        assertEquals(Protection.NONE, p.outbound(LAMP, "coap"));
        assertTrue(p.mayRead(LAMP, LAMP, "on"));
        assertFalse(p.mayRead(SENSOR, LAMP, "on"));
        assertTrue(p.mayWrite(LAMP, LAMP, "on"), "a thing reports its own values");
        assertFalse(p.mayWrite(SENSOR, LAMP, "on"));
        assertFalse(p.mayRequestToken(LAMP, SENSOR, Set.of("read")));
        assertFalse(p.mayPair(LAMP, SENSOR));
        assertEquals(Optional.empty(), p.error());
        assertEquals(0, config.updates, "reading creates no configuration");
    }

    @Test
    void theFileTakesRulesPerLineOrSemicolonOrAsAnArray() {
        config.file("protect * coap in confidentiality; read sensor-1 lamp-1 on\n  pair lamp-1 sensor-1  \n");
        PolicyComponent p = config.activate();
        assertEquals(List.of("protect * coap in confidentiality", "read sensor-1 lamp-1 on", "pair lamp-1 sensor-1"),
                p.table().rules());
        assertEquals(Protection.confidentiality(), p.inbound(LAMP, "coap"));
        assertEquals(Protection.NONE, p.outbound(LAMP, "coap"));
        assertTrue(p.mayRead(SENSOR, LAMP, "on"));
        assertTrue(p.mayPair(LAMP, SENSOR));

        config.file(new String[] {"token sensor-1 lamp-1 read", "write sensor-1 lamp-1 on"});
        assertEquals(List.of("token sensor-1 lamp-1 read", "write sensor-1 lamp-1 on"), p.table().rules());
        assertTrue(p.mayRequestToken(SENSOR, LAMP, Set.of("read")));
        assertTrue(p.mayWrite(SENSOR, LAMP, "on"));
        assertFalse(p.mayPair(LAMP, SENSOR), "the new rules replace the old");

        config.file("[\"pair sensor-1 lamp-1\", \"read * * *\"]");
        assertEquals(List.of("pair sensor-1 lamp-1", "read * * *"), p.table().rules());
    }

    @Test
    void groupRulesFollowTheGroupServiceAndGrantNothingWithoutIt() {
        config.file("protect @kitchen coap in integrity; write @kitchen lamp-1 on");
        PolicyComponent p = config.activate();
        assertEquals(Protection.integrity(), p.inbound(SENSOR, "coap"), "any thing may be a member: fail closed");
        assertFalse(p.mayWrite(SENSOR, LAMP, "on"));

        p.groups = groups("kitchen", SENSOR);
        assertEquals(Protection.integrity(), p.inbound(SENSOR, "coap"));
        assertTrue(p.mayWrite(SENSOR, LAMP, "on"));
        assertFalse(p.mayWrite(LAMP, SENSOR, "on"), "not a member");

        assertEquals(Protection.NONE, p.inbound(LAMP, "coap"), "known not to be a member");

        p.groups = null;
        assertFalse(p.mayWrite(SENSOR, LAMP, "on"));
        assertEquals(Protection.integrity(), p.inbound(LAMP, "coap"), "membership unknown again");
    }

    /** A group service that knows one group. */
    static GroupKeyService groups(String name, ThingId... members) {
        GroupInfo info = new GroupInfo(name, new TreeSet<>(List.of(members)), 1, List.of(1L), Instant.EPOCH);
        return (GroupKeyService) Proxy.newProxyInstance(GroupKeyService.class.getClassLoader(),
                new Class<?>[] {GroupKeyService.class}, (proxy, m, args) -> {
                    if (m.getName().equals("group")) {
                        return name.equals(args[0]) ? Optional.of(info) : Optional.empty();
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void addRemoveAndSetWriteConfigAdminAndTakeEffectAtOnce() throws Exception {
        PolicyComponent p = config.activate();
        assertTrue(p.add("protect  lamp-1 coap in CONFIDENTIALITY", false).changed());
        assertFalse(p.add("protect lamp-1 coap in confidentiality", false).changed(), "already there");
        assertTrue(p.add("read sensor-1 lamp-1 on", false).changed());
        assertEquals("protect lamp-1 coap in confidentiality; read sensor-1 lamp-1 on", config.storedRules());
        assertEquals(Protection.confidentiality(), p.inbound(LAMP, "coap"));

        assertEquals(List.of("lamp-1 coap in: confidentiality -> none"),
                p.remove("protect lamp-1 coap in confidentiality", true).lowered());
        assertEquals("read sensor-1 lamp-1 on", config.storedRules());
        assertEquals(Protection.NONE, p.inbound(LAMP, "coap"));
        assertThrows(IllegalArgumentException.class, () -> p.remove("pair a b", false));

        p.set(List.of("pair lamp-1 sensor-1", "pair sensor-1 lamp-1"), false);
        assertEquals(List.of("pair lamp-1 sensor-1", "pair sensor-1 lamp-1"), p.table().rules());
        assertFalse(p.mayRead(SENSOR, LAMP, "on"));
    }

    @Test
    void aLateCallbackDoesNotBringBackARemovedRule() throws Exception {
        PolicyComponent p = config.activate();
        p.add("pair lamp-1 sensor-1", false);
        p.remove("pair lamp-1 sensor-1", false);
        assertEquals(2, config.deliver());
        assertFalse(p.mayPair(LAMP, SENSOR));
        assertEquals(List.of(), p.table().rules());
    }

    @Test
    void theRulesSurviveARestart() throws Exception {
        config.activate().add("write sensor-1 lamp-1 on", false);
        PolicyComponent restarted = new ConfigAdminStub(config.stored).activate();
        assertTrue(restarted.mayWrite(SENSOR, LAMP, "on"));
    }

    /** What the component logs (slf4j-simple writes to the System.err of the moment) while {@code r} runs. */
    static String logged(Runnable r) {
        PrintStream original = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aBadFileChangesNothingAndIsLoggedOnceWithoutControlCharacters() {
        config.file("pair lamp-1 sensor-1");
        PolicyComponent p = config.activate();
        String log = logged(() -> {
            config.file("read sensor-1 lamp-1 on; protect * coap in strong\u001b[2J");
            config.file("read sensor-1 lamp-1 on; protect * coap in strong\u001b[2J");
            p.apply();
        });
        assertEquals(List.of("pair lamp-1 sensor-1"), p.table().rules(), "the rules in force stay");
        assertTrue(p.mayPair(LAMP, SENSOR));
        assertFalse(p.mayRead(SENSOR, LAMP, "on"));
        String error = p.error().orElseThrow();
        assertTrue(error.startsWith("rule 2 ('protect * coap in strong?[2J'): field 5: character 7 is not printable ASCII"),
                error);
        assertEquals(1, log.lines().filter(l -> l.contains("ERROR")).count(), log);
        assertTrue(log.contains("Security policy in org.trusthub.security.policy refused: rule 2"), log);
        assertTrue(log.contains("the 1 rule(s) in force stay"), log);
        assertFalse(log.contains("\u001b"), "no control character reaches the log");

        assertTrue(logged(() -> config.file("pair a")).contains("refused: rule 1 ('pair a')"),
                "another refusal is logged");
        config.file("pair lamp-1 sensor-1; pair sensor-1 lamp-1");
        assertEquals(Optional.empty(), p.error());
        assertTrue(p.mayPair(SENSOR, LAMP));
    }

    @Test
    void aBadFileAtStartFailsClosed() {
        config.file("read * * *; protect * coap in");
        PolicyComponent p = config.activate();
        assertTrue(p.error().orElseThrow().startsWith("rule 2 ('protect * coap in'): 4 fields, exactly 5 wanted"));
        assertFalse(p.mayRead(SENSOR, LAMP, "on"), "nothing granted");
        assertEquals(Protection.confidentiality().endToEnd(), p.inbound(LAMP, "zigbee"));

        config.file("read * * *");
        assertTrue(p.mayRead(SENSOR, LAMP, "on"));
        assertEquals(Protection.NONE, p.inbound(LAMP, "zigbee"));
    }

    @Test
    void aQuotedFileEntryIsRefused() {
        PolicyComponent p = config.activate();
        config.file("\"pair lamp-1 sensor-1\"");
        assertTrue(p.error().orElseThrow().contains("is quoted"));
        assertFalse(p.mayPair(LAMP, SENSOR));
    }

    @Test
    void theConsoleRefusesABadRuleWithNoChange() throws Exception {
        PolicyComponent p = config.activate();
        p.add("pair lamp-1 sensor-1", false);
        int updates = config.updates;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.add("pair lamp-1", false));
        assertEquals("rule 'pair lamp-1': 2 fields, exactly 3 wanted: write pair THING PEER", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> p.set(List.of("read * * *", "write * * on\nread * * *"), false));
        assertTrue(e.getMessage().startsWith("rule 2 ('write * * on?read * * *'): field 4: character 3 is not"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.remove("protect * coap in nothing", false));
        assertEquals(updates, config.updates);
        assertEquals(List.of("pair lamp-1 sensor-1"), p.table().rules());
    }

    @Test
    void theConsoleRefusesToEditStoredRulesThatAreRefused() {
        PolicyComponent p = config.activate();
        config.file("pair a");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.add("pair a b", false));
        assertTrue(e.getMessage().startsWith("the stored rules are refused (rule 1 ('pair a')"), e.getMessage());
        assertEquals("pair a", config.storedRules());
    }
}
