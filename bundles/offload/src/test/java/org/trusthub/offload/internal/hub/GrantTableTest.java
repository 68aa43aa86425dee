package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;

/** The authorization table alone: its syntax, default deny, groups and explicit wildcards. */
class GrantTableTest {
    static final ThingId SENSOR = ThingId.of("sensor-1");
    static final ThingId LOCK = ThingId.of("lock-1");
    static final ThingId LAMP = ThingId.of("lamp-1");
    static final Function<String, Set<ThingId>> NO_GROUPS = g -> Set.of();

    @Test
    void nothingIsGrantedByDefault() {
        for (GrantTable t : List.of(GrantTable.EMPTY, GrantTable.parse(), GrantTable.parse(""),
                GrantTable.parse(" , "))) {
            assertTrue(t.isEmpty());
            assertFalse(t.allowsToken(SENSOR, LOCK, "read", NO_GROUPS));
            assertFalse(t.allowsPair(SENSOR, LOCK, NO_GROUPS));
        }
    }

    @Test
    void aTokenGrantAllowsItsScopesForItsClientAndAudienceOnly() {
        GrantTable t = GrantTable.parse("token sensor-1 lock-1 read status");
        assertTrue(t.allowsToken(SENSOR, LOCK, "read", NO_GROUPS));
        assertTrue(t.allowsToken(SENSOR, LOCK, "status read", NO_GROUPS));
        assertFalse(t.allowsToken(SENSOR, LOCK, "unlock", NO_GROUPS), "a scope not listed");
        assertFalse(t.allowsToken(SENSOR, LOCK, "read unlock", NO_GROUPS), "every word must be granted");
        assertFalse(t.allowsToken(LOCK, SENSOR, "read", NO_GROUPS), "one way");
        assertFalse(t.allowsToken(SENSOR, LAMP, "read", NO_GROUPS), "another audience");
        assertFalse(t.allowsToken(LAMP, LOCK, "read", NO_GROUPS), "another client");
        assertFalse(t.allowsPair(SENSOR, LOCK, NO_GROUPS), "a token grant grants no pairwise key");
    }

    @Test
    void scopesOfEntriesForTheSameClientAndAudienceAddUp() {
        GrantTable t = GrantTable.parse("token sensor-1 lock-1 read, token sensor-1 @locks status");
        assertTrue(t.allowsToken(SENSOR, LOCK, "read status", g -> g.equals("locks") ? Set.of(LOCK) : Set.of()));
        assertFalse(t.allowsToken(SENSOR, LOCK, "read status", NO_GROUPS));
    }

    @Test
    void aPairGrantIsOneWay() {
        GrantTable t = GrantTable.parse("pair lamp-1 sensor-1");
        assertTrue(t.allowsPair(LAMP, SENSOR, NO_GROUPS));
        assertFalse(t.allowsPair(SENSOR, LAMP, NO_GROUPS));
        assertFalse(t.allowsToken(LAMP, SENSOR, "read", NO_GROUPS));
    }

    @Test
    void groupsAreTheOffloadGroupsMembersAtTheTimeOfTheRequest() {
        GrantTable t = GrantTable.parse("token @sensors @locks read", "pair @sensors lamp-1");
        Map<String, Set<ThingId>> groups = new java.util.HashMap<>(Map.of("sensors", Set.of(SENSOR),
                "locks", Set.of(LOCK)));
        assertTrue(t.allowsToken(SENSOR, LOCK, "read", groups::get));
        assertTrue(t.allowsPair(SENSOR, LAMP, groups::get));
        assertFalse(t.allowsToken(LAMP, LOCK, "read", groups::get));
        groups.put("sensors", Set.of());
        assertFalse(t.allowsToken(SENSOR, LOCK, "read", groups::get), "left the group");
        assertFalse(t.allowsPair(SENSOR, LAMP, groups::get));
    }

    @Test
    void wildcardsGrantOnlyWhereWritten() {
        assertTrue(GrantTable.parse("token sensor-1 lock-1 *").allowsToken(SENSOR, LOCK, "unlock open", NO_GROUPS));
        assertFalse(GrantTable.parse("token sensor-1 lock-1 *").allowsToken(SENSOR, LAMP, "read", NO_GROUPS));
        assertTrue(GrantTable.parse("token * lock-1 read").allowsToken(LAMP, LOCK, "read", NO_GROUPS));
        assertFalse(GrantTable.parse("token * lock-1 read").allowsToken(LAMP, LOCK, "unlock", NO_GROUPS));
        assertTrue(GrantTable.parse("pair sensor-1 *").allowsPair(SENSOR, LAMP, NO_GROUPS));
        assertFalse(GrantTable.parse("pair sensor-1 *").allowsPair(LAMP, SENSOR, NO_GROUPS));
        // A scope that merely contains '*' is a word like any other.
        assertFalse(GrantTable.parse("token sensor-1 lock-1 re*").allowsToken(SENSOR, LOCK, "read", NO_GROUPS));
    }

    @Test
    void entriesAreSplitAtCommasNormalisedAndDeduplicated() {
        GrantTable t = GrantTable.parse(new String[] {"token  sensor-1 lock-1 status read ,pair lamp-1 sensor-1",
            "token sensor-1 lock-1 read status"});
        assertEquals(List.of("token sensor-1 lock-1 read status", "pair lamp-1 sensor-1"), t.entries());
        assertEquals("token sensor-1 lock-1 read status, pair lamp-1 sensor-1", t.toString());
        assertEquals(t.entries(), GrantTable.parse(t.toString()).entries(), "what it writes it reads back");
    }

    @Test
    void aBadEntryRefusesTheWholeTableNamingTheEntryAndTheFault() {
        Map<String, String> bad = Map.of(
                "token sensor-1 lock-1", "write: token CLIENT AUDIENCE SCOPE...",
                "pair sensor-1", "write: pair THING PEER",
                "grant sensor-1 lock-1 read", "a grant starts with 'token' or 'pair'",
                "token Sensor-1 lock-1 read", "client 'Sensor-1' is not a thing id, @group or *",
                "token sensor-1 @Locks read", "audience '@Locks' is not a group name",
                "token sensor-1 lock-1 * read", "scope * already allows every scope",
                "pair sensor-1 lock-1 extra", "write: pair THING PEER");
        bad.forEach((entry, reason) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GrantTable.parse("pair lamp-1 sensor-1, " + entry));
            assertTrue(e.getMessage().startsWith("grant 2 ('" + entry + "'): "), e.getMessage());
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        });
        String longScope = "x".repeat(65);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GrantTable.parse("token a b " + longScope))
                .getMessage().contains("is not 1 to 64 printable characters"));
    }

    @Test
    void addingAndRemovingAnEntryLeavesTheTableItCameFromAlone() {
        GrantTable t = GrantTable.parse("pair lamp-1 sensor-1");
        GrantTable more = t.with("token  sensor-1 lock-1 read");
        assertEquals(List.of("pair lamp-1 sensor-1"), t.entries());
        assertEquals(List.of("pair lamp-1 sensor-1", "token sensor-1 lock-1 read"), more.entries());
        assertSame(more, more.with("token sensor-1 lock-1 read"), "already there");
        assertEquals(t.entries(), more.without("token sensor-1 lock-1 read").entries());
        assertEquals("no such grant: token sensor-1 lock-1 write", assertThrows(IllegalArgumentException.class,
                () -> more.without("token sensor-1 lock-1 write")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.with("token a b c, pair a b"));
    }

    @Test
    void aGroupNamedLikeAThingMatchesOnlyItsMembersAndNamesAreNeverNormalised() {
        GrantTable t = GrantTable.parse("token @sensor-1 lock-1 read");
        assertFalse(t.allowsToken(SENSOR, LOCK, "read", NO_GROUPS), "@sensor-1 is a group, not the thing sensor-1");
        assertTrue(t.allowsToken(LAMP, LOCK, "read", g -> g.equals("sensor-1") ? Set.of(LAMP) : Set.of()));
        for (String entry : List.of("token Sensor-1 lock-1 read", "token s\u00e9nsor lock-1 read",
                "token \uff53ensor-1 lock-1 read", "token sensor-1 lock-1 r\u00e9ad", "pair @Hall lamp-1",
                "pair ** lamp-1", "pair @* lamp-1", "token sensor-1 lock-1 read *")) {
            assertThrows(IllegalArgumentException.class, () -> GrantTable.parse(entry), entry);
        }
        GrantTable read = GrantTable.parse("token sensor-1 lock-1 read");
        assertTrue(read.allowsToken(SENSOR, LOCK, "read read", NO_GROUPS), "a repeated word asks for nothing more");
        assertFalse(read.allowsToken(SENSOR, LOCK, "*", NO_GROUPS), "a requested * is a word, not a wildcard");
        assertFalse(read.allowsToken(SENSOR, LOCK, "read,unlock", NO_GROUPS));
    }
}
