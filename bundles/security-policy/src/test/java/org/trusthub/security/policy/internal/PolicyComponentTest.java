package org.trusthub.security.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
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
        assertFalse(p.mayWrite(LAMP, LAMP, "on"));
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
    void groupRulesFollowTheGroupServiceAndMatchNobodyWithoutIt() {
        config.file("protect @kitchen coap in integrity; write @kitchen lamp-1 on");
        PolicyComponent p = config.activate();
        assertEquals(Protection.NONE, p.inbound(SENSOR, "coap"));
        assertFalse(p.mayWrite(SENSOR, LAMP, "on"));

        p.groups = groups("kitchen", SENSOR);
        assertEquals(Protection.integrity(), p.inbound(SENSOR, "coap"));
        assertTrue(p.mayWrite(SENSOR, LAMP, "on"));
        assertFalse(p.mayWrite(LAMP, LAMP, "on"), "not a member");

        p.groups = null;
        assertFalse(p.mayWrite(SENSOR, LAMP, "on"));
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
        assertTrue(p.add("protect  lamp-1 coap in CONFIDENTIALITY"));
        assertFalse(p.add("protect lamp-1 coap in confidentiality"), "already there");
        assertTrue(p.add("read sensor-1 lamp-1 on"));
        assertEquals("protect lamp-1 coap in confidentiality; read sensor-1 lamp-1 on", config.storedRules());
        assertEquals(Protection.confidentiality(), p.inbound(LAMP, "coap"));

        p.remove("protect lamp-1 coap in confidentiality");
        assertEquals("read sensor-1 lamp-1 on", config.storedRules());
        assertEquals(Protection.NONE, p.inbound(LAMP, "coap"));
        assertThrows(IllegalArgumentException.class, () -> p.remove("pair a b"));

        p.set(List.of("pair lamp-1 sensor-1", "pair sensor-1 lamp-1"));
        assertEquals(List.of("pair lamp-1 sensor-1", "pair sensor-1 lamp-1"), p.table().rules());
        assertFalse(p.mayRead(SENSOR, LAMP, "on"));
    }

    @Test
    void aLateCallbackDoesNotBringBackARemovedRule() throws Exception {
        PolicyComponent p = config.activate();
        p.add("pair lamp-1 sensor-1");
        p.remove("pair lamp-1 sensor-1");
        assertEquals(2, config.deliver());
        assertFalse(p.mayPair(LAMP, SENSOR));
        assertEquals(List.of(), p.table().rules());
    }

    @Test
    void theRulesSurviveARestart() throws Exception {
        config.activate().add("write sensor-1 lamp-1 on");
        PolicyComponent restarted = new ConfigAdminStub(config.stored).activate();
        assertTrue(restarted.mayWrite(SENSOR, LAMP, "on"));
    }
}
