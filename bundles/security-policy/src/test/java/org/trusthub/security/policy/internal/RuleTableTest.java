package org.trusthub.security.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;

/**
 * The decisions the rules make: a thing's own protect rule wins, groups only raise *; authorization is default-deny.
 */
class RuleTableTest {
    static final ThingId LAMP = ThingId.of("lamp-1");
    static final ThingId SENSOR = ThingId.of("sensor-1");
    static final ThingId KEYPAD = ThingId.of("keypad-1");
    static final Function<String, Set<ThingId>> NO_GROUPS = g -> Set.of();
    static final Function<String, Set<ThingId>> GROUPS = g -> Map.of("kitchen", Set.of(LAMP, SENSOR),
            "lights", Set.of(LAMP)).getOrDefault(g, Set.of());

    static RuleTable table(String... rules) {
        return RuleTable.parse(List.of(rules));
    }

    @Test
    void withoutAMatchingRuleNoProtectionIsRequired() {
        assertEquals(Protection.NONE, RuleTable.EMPTY.required(LAMP, "coap", true, GROUPS));
        assertEquals(Protection.NONE, table("protect sensor-1 coap in integrity").required(LAMP, "coap", true, GROUPS));
    }

    @Test
    void theMostSpecificProtectRuleWins() {
        RuleTable t = table("protect * * both confidentiality", "protect * coap in integrity",
                "protect @kitchen * in confidentiality/end-to-end", "protect @kitchen zigbee in integrity/end-to-end",
                "protect lamp-1 * in none", "protect lamp-1 dpws in integrity");
        assertEquals(Protection.parse("integrity"), t.required(LAMP, "dpws", true, GROUPS), "thing and protocol");
        assertEquals(Protection.NONE, t.required(LAMP, "coap", true, GROUPS), "thing over group and protocol");
        assertEquals(Protection.parse("confidentiality/end-to-end"), t.required(SENSOR, "zigbee", true, GROUPS),
                "the group's zigbee rule and * add up");
        assertEquals(Protection.parse("confidentiality/end-to-end"), t.required(SENSOR, "coap", true, GROUPS),
                "a group raises a named protocol's * rule");
        assertEquals(Protection.parse("integrity"), t.required(KEYPAD, "coap", true, GROUPS));
        assertEquals(Protection.parse("confidentiality"), t.required(KEYPAD, "dpws", true, GROUPS));
        assertEquals(Protection.parse("confidentiality"), t.required(LAMP, "coap", false, GROUPS), "outbound");
    }

    @Test
    void equallySpecificRulesAddUp() {
        RuleTable t = table("protect @kitchen coap in integrity/end-to-end", "protect @lights coap in confidentiality");
        assertEquals(Protection.parse("confidentiality/end-to-end"), t.required(LAMP, "coap", true, GROUPS));
        assertEquals(Protection.parse("integrity/end-to-end"), t.required(SENSOR, "coap", true, GROUPS));
    }

    @Test
    void aGroupRuleMatchesNobodyWithoutGroups() {
        RuleTable t = table("protect @kitchen * in confidentiality", "read @kitchen sensor-1 *", "pair @kitchen *");
        assertEquals(Protection.NONE, t.required(LAMP, "coap", true, NO_GROUPS));
        assertFalse(t.mayAccess(false, LAMP, SENSOR, "temperature", NO_GROUPS));
        assertTrue(t.mayAccess(false, LAMP, SENSOR, "temperature", GROUPS));
        assertFalse(t.mayPair(LAMP, SENSOR, NO_GROUPS));
        assertTrue(t.mayPair(LAMP, SENSOR, GROUPS));
    }

    @Test
    void groupMembershipNobodyCanTellOnlyAddsToTheRequirement() {
        Function<String, Set<ThingId>> unknown = g -> null;
        RuleTable t = table("protect * zigbee in confidentiality", "protect @kitchen zigbee in confidentiality/end-to-end",
                "protect @legacy zigbee in none", "protect lamp-1 zigbee in integrity", "read @kitchen sensor-1 *");
        assertEquals(Protection.parse("confidentiality/end-to-end"), t.required(SENSOR, "zigbee", true, unknown),
                "a group rule that may apply is not dropped while the group service is away");
        assertEquals(Protection.parse("integrity"), t.required(LAMP, "zigbee", true, unknown),
                "the thing's own rule outranks any group");
        assertEquals(Protection.parse("confidentiality"), t.required(SENSOR, "zigbee", true, NO_GROUPS),
                "known not to be a member");
        assertFalse(t.mayAccess(false, LAMP, SENSOR, "on", unknown), "grants nothing");
    }

    @Test
    void aGroupOnlyRaisesWhatTheStarRuleRequires() {
        RuleTable t = table("protect * coap in confidentiality", "protect @lights coap in integrity",
                "protect @kitchen * in confidentiality/end-to-end");
        assertEquals(Protection.parse("confidentiality"), t.required(LAMP, "coap", true,
                g -> "lights".equals(g) ? Set.of(LAMP) : Set.of()), "joining a weaker group lowers nothing");
        assertEquals(Protection.parse("confidentiality/end-to-end"), t.required(LAMP, "coap", true, GROUPS),
                "the strongest of its groups and *");
        assertEquals(Protection.parse("confidentiality"), t.required(LAMP, "coap", true, NO_GROUPS),
                "out of its groups (suspended), * holds");
        assertEquals(Protection.parse("confidentiality"), t.required(Subject.parse("@lights"), "coap", true,
                GROUPS), "what a group's member is held to");
        assertEquals(List.of(), table("protect * coap in confidentiality").lowered(t, GROUPS),
                "a weaker group rule lowers nothing");
        assertEquals(Protection.parse("integrity"), table("protect * coap in confidentiality",
                "protect lamp-1 coap in integrity").required(LAMP, "coap", true, GROUPS), "its own rule decides");
    }

    @Test
    void authorizationIsDefaultDenyButAThingReadsAndWritesItsOwn() {
        assertTrue(RuleTable.EMPTY.mayAccess(false, LAMP, LAMP, "on", NO_GROUPS));
        assertTrue(RuleTable.EMPTY.mayAccess(true, LAMP, LAMP, "on", NO_GROUPS));
        assertFalse(RuleTable.EMPTY.mayAccess(true, LAMP, SENSOR, "on", NO_GROUPS));
        assertFalse(RuleTable.EMPTY.mayAccess(false, LAMP, SENSOR, "on", NO_GROUPS));
        assertFalse(RuleTable.EMPTY.mayRequestToken(KEYPAD, LAMP, Set.of("read"), NO_GROUPS));
        assertFalse(RuleTable.EMPTY.mayPair(LAMP, SENSOR, NO_GROUPS));
    }

    @Test
    void readAndWriteRulesGrantNamedPropertiesOnly() {
        RuleTable t = table("read keypad-1 lamp-1 on level", "write * lamp-1 on", "write keypad-1 sensor-1 *");
        assertTrue(t.mayAccess(false, KEYPAD, LAMP, "level", NO_GROUPS));
        assertFalse(t.mayAccess(false, KEYPAD, LAMP, "color", NO_GROUPS));
        assertFalse(t.mayAccess(false, SENSOR, LAMP, "on", NO_GROUPS), "a write rule grants no read");
        assertTrue(t.mayAccess(true, SENSOR, LAMP, "on", NO_GROUPS));
        assertFalse(t.mayAccess(true, SENSOR, LAMP, "level", NO_GROUPS));
        assertTrue(t.mayAccess(true, KEYPAD, SENSOR, "anything", NO_GROUPS));
        assertFalse(t.mayAccess(true, LAMP, SENSOR, "anything", NO_GROUPS));
    }

    @Test
    void tokenScopesAddUpOverMatchingRules() {
        RuleTable t = table("token keypad-1 lamp-1 read", "token * lamp-1 status", "token keypad-1 sensor-1 *");
        assertTrue(t.mayRequestToken(KEYPAD, LAMP, Set.of("read", "status"), NO_GROUPS));
        assertFalse(t.mayRequestToken(KEYPAD, LAMP, Set.of("read", "unlock"), NO_GROUPS));
        assertTrue(t.mayRequestToken(SENSOR, LAMP, Set.of("status"), NO_GROUPS));
        assertFalse(t.mayRequestToken(SENSOR, LAMP, Set.of("read"), NO_GROUPS));
        assertTrue(t.mayRequestToken(KEYPAD, SENSOR, Set.of("anything", "at-all"), NO_GROUPS));
        assertFalse(t.mayRequestToken(LAMP, SENSOR, Set.of(), NO_GROUPS), "no rule, no token");
    }

    @Test
    void pairIsOneWay() {
        RuleTable t = table("pair lamp-1 sensor-1");
        assertTrue(t.mayPair(LAMP, SENSOR, NO_GROUPS));
        assertFalse(t.mayPair(SENSOR, LAMP, NO_GROUPS));
    }

    @Test
    void aBadRuleRefusesTheWholeTableNamingItsNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> table("pair a b", "read a b *", "protect * coap in strong"));
        assertTrue(e.getMessage().startsWith("rule 3 ('protect * coap in strong'): field 5 (protection)"),
                e.getMessage());
    }

    @Test
    void duplicatesCollapseAndEditsKeepOrder() {
        RuleTable t = table("pair a b", "pair  a b", "read x y b a");
        assertEquals(List.of("pair a b", "read x y a b"), t.rules());
        assertEquals(List.of("pair a b", "read x y a b", "pair b a"), t.with("pair b a").rules());
        assertTrue(t.with("read x y a b") == t);
        assertEquals(List.of("read x y a b"), t.without("pair a b").rules());
        assertThrows(IllegalArgumentException.class, () -> t.without("pair b a"));
        assertEquals("pair a b; read x y a b", t.toString());
    }

    @Test
    void theFailClosedTableAllowsNothingAndRequiresTheMost() {
        assertEquals(Protection.parse("confidentiality/end-to-end"),
                RuleTable.REFUSED.required(LAMP, "zigbee", true, NO_GROUPS));
        assertFalse(RuleTable.REFUSED.mayAccess(true, LAMP, SENSOR, "on", NO_GROUPS));
    }
}
