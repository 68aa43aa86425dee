package org.trusthub.security.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;

/**
 * The caller {@code -} stands for a request that names no thing: only {@code read - TARGET PROPERTY...} lets one
 * read, {@code *} never reaches it, and it may write nothing.
 */
class UnauthenticatedReadTest {
    static final ThingId LAMP = ThingId.of("lamp-1");
    static final ThingId SENSOR = ThingId.of("sensor-1");
    static final Function<String, Set<ThingId>> KITCHEN = g -> g.equals("kitchen") ? Set.of(SENSOR) : Set.of();

    @Test
    void theRuleReadsAndWritesBackTheSame() {
        for (String r : List.of("read - lamp-1 dpws-metadata dpws-state", "read - * dpws-metadata",
                "read - @kitchen *")) {
            assertEquals(r, Rule.parse(r).toString());
        }
        assertEquals("read - lamp-1 dpws-metadata dpws-state",
                RuleTable.canonical(" read  -\tlamp-1 dpws-state dpws-metadata"));
    }

    @Test
    void itCannotBeAThingId() {
        assertFalse(ThingId.isValid(Rule.UNAUTHENTICATED));
    }

    @Test
    void onlyAnExplicitRuleGrantsAnUnauthenticatedRead() {
        RuleTable t = RuleTable.parse(List.of("read * * *", "read - lamp-1 dpws-metadata",
                "read - @kitchen dpws-state"));
        assertTrue(t.mayReadUnauthenticated(LAMP, "dpws-metadata", KITCHEN));
        assertFalse(t.mayReadUnauthenticated(LAMP, "dpws-state", KITCHEN), "read * * * granted a caller that is none");
        assertTrue(t.mayReadUnauthenticated(SENSOR, "dpws-state", KITCHEN));
        assertFalse(t.mayReadUnauthenticated(SENSOR, "dpws-metadata", KITCHEN));
        assertFalse(t.mayReadUnauthenticated(SENSOR, "dpws-state", g -> null), "unknown membership grants nothing");
        assertFalse(RuleTable.EMPTY.mayReadUnauthenticated(LAMP, "dpws-state", KITCHEN));
        assertFalse(RuleTable.REFUSED.mayReadUnauthenticated(LAMP, "dpws-state", KITCHEN));
    }

    @Test
    void theRuleGrantsNoAuthenticatedCaller() {
        RuleTable t = RuleTable.parse(List.of("read - * *"));
        assertFalse(t.mayAccess(false, SENSOR, LAMP, "dpws-state", KITCHEN));
        assertTrue(t.mayReadUnauthenticated(LAMP, "dpws-state", KITCHEN));
    }

    @Test
    void anUnauthenticatedCallerMayNotWriteAndIsNoSubject() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rule.parse("write - lamp-1 on"));
        assertTrue(e.getMessage().startsWith("field 2 (caller): - (a request that names no thing) may only read"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rule.parse("read lamp-1 - on"));
        assertThrows(IllegalArgumentException.class, () -> Rule.parse("protect - dpws in none"));
        assertThrows(IllegalArgumentException.class, () -> Rule.parse("token - lamp-1 read"));
        assertThrows(IllegalArgumentException.class, () -> Rule.parse("pair - lamp-1"));
        assertThrows(IllegalArgumentException.class, () -> Rule.parse("read - lamp-1"));
    }

    @Test
    void thePolicyServiceAnswersFromTheStoredRules() {
        ConfigAdminStub config = new ConfigAdminStub();
        PolicyComponent p = config.activate();
        assertFalse(p.mayReadUnauthenticated(LAMP, "dpws-state"), "default-deny");
        config.file("read - lamp-1 dpws-state");
        assertTrue(p.mayReadUnauthenticated(LAMP, "dpws-state"));
        assertFalse(p.mayReadUnauthenticated(LAMP, "dpws-metadata"));
        assertFalse(p.mayRead(SENSOR, LAMP, "dpws-state"));
    }
}
