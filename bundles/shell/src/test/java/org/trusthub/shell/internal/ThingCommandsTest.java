package org.trusthub.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.JournalEntry;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.lifecycle.ThingHistory;
import org.trusthub.lifecycle.internal.ThingRegistryCore;

class ThingCommandsTest extends ShellTestSupport {

    private static final ThingId LAMP = ThingId.of("lamp-1");
    private static final ThingId SENSOR = ThingId.of("sensor-22");

    @BeforeEach
    void things() {
        registry.enroll(LAMP, "alice", RootCredential.secret(new byte[16]));   // 08:01
        registry.transition(LAMP, Transition.BOOTSTRAP);                        // 08:02
        registry.transition(LAMP, Transition.ACTIVATE);                         // 08:03
        registry.enroll(SENSOR, "Bob Builder", RootCredential.secret(new byte[16])); // 08:04
    }

    private ThingListCommand list(String state) {
        ThingListCommand c = new ThingListCommand();
        c.registry = registry;
        c.state = state;
        return c;
    }

    private ThingShowCommand show(String id, boolean withHistory) {
        ThingShowCommand c = new ThingShowCommand();
        c.registry = registry;
        c.id = id;
        return c;
    }

    private ThingTransitionCommand transition(String id, String transition) {
        ThingTransitionCommand c = new ThingTransitionCommand();
        c.registry = registry;
        c.id = id;
        c.transition = transition;
        return c;
    }

    @Test
    void listIsATable() throws Exception {
        assertEquals(String.join("\n",
                "ID        | State        | Owner       | Commissions | Changed",
                "----------+--------------+-------------+-------------+---------------------",
                "lamp-1    | OPERATIONAL  | alice       | 0           | 2026-11-22T08:03:00Z",
                "sensor-22 | MANUFACTURED | Bob Builder | 0           | 2026-11-22T08:04:00Z",
                ""), run(list(null)));
    }

    @Test
    void listFiltersByStateCaseInsensitively() throws Exception {
        assertEquals(String.join("\n",
                "ID     | State       | Owner | Commissions | Changed",
                "-------+-------------+-------+-------------+---------------------",
                "lamp-1 | OPERATIONAL | alice | 0           | 2026-11-22T08:03:00Z",
                ""), run(list("operational")));
        assertEquals("No things in state DECOMMISSIONED.\n", run(list("DECOMMISSIONED")));
    }

    @Test
    void listWithoutThings() throws Exception {
        try (ThingRegistryCore empty = openRegistry(stores.resolve("empty-registry"))) {
            ThingListCommand c = list(null);
            c.registry = empty;
            assertEquals("No things enrolled.\n", run(c));
        }
    }

    @Test
    void listTellsWhatTheLastStartReconciled() throws Exception {
        String note = "Thing plug-9: its enrollment was cut short (...). Its unused keys were discarded and plug-9 "
                + "is not enrolled.";
        ThingListCommand c = list("DECOMMISSIONED");
        c.history = new ThingHistory() {
            @Override
            public List<String> startNotes() {
                return List.of(note);
            }
        };
        assertEquals("No things in state DECOMMISSIONED.\nAt the hub's last start:\n  " + note + "\n", run(c));
        c.state = null;
        String out = run(c);
        assertTrue(out.startsWith("ID "), out);
        assertTrue(out.endsWith("\nAt the hub's last start:\n  " + note + "\n"), out);

        // nothing to tell: the list alone, as before
        c.history = registry;
        assertFalse(run(c).contains("last start"));
    }

    @Test
    void listRefusesAnUnknownState() {
        assertEquals("Error: unknown state 'broken': use one of MANUFACTURED, BOOTSTRAPPING, OPERATIONAL, "
                + "MAINTENANCE, DECOMMISSIONED", fail(list("broken")));
    }

    @Test
    void showPrintsTheThingAllowedTransitionsAndHistory() throws Exception {
        assertEquals(String.join("\n",
                "Thing:        lamp-1",
                "State:        OPERATIONAL",
                "Owner:        alice",
                "Commissions:  0",
                "Enrolled:     2026-11-22T08:01:00Z",
                "Changed:      2026-11-22T08:03:00Z",
                "Allowed:      MAINTAIN, DECOMMISSION",
                "History:",
                "  2026-11-22T08:01:00Z  ENROLL        -> MANUFACTURED  by hub",
                "  2026-11-22T08:02:00Z  BOOTSTRAP     MANUFACTURED -> BOOTSTRAPPING  by hub",
                "  2026-11-22T08:03:00Z  ACTIVATE      BOOTSTRAPPING -> OPERATIONAL  by hub",
                ""), run(show("lamp-1", true)));
    }

    @Test
    void showOfADecommissionedThingPointsToRecommission() throws Exception {
        registry.transition(SENSOR, Transition.DECOMMISSION);
        String out = run(show("sensor-22", false));
        assertEquals("Allowed:      RECOMMISSION (trusthub:thing-recommission)", out.lines().toList().get(6));
        assertEquals("History:", out.lines().toList().get(7));
    }

    @Test
    void showRefusesUnknownAndMalformedIds() {
        assertEquals("Error: unknown thing 'ghost': it is not enrolled on this hub", fail(show("ghost", true)));
        assertEquals("Error: malformed thing id 'Lamp 1': use lower-case letters, digits and . _ : - and start "
                + "with a letter or digit", fail(show("Lamp 1", true)));
        assertEquals("Error: malformed thing id 'x\\u001b[31m': use lower-case letters, digits and . _ : - and "
                + "start with a letter or digit", fail(show("x\u001b[31m", true)));
    }

    @Test
    void transitionPrintsOldAndNewState() throws Exception {
        assertEquals("sensor-22: MANUFACTURED -> BOOTSTRAPPING (BOOTSTRAP)\n", run(transition("sensor-22", "bootstrap")));
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.get(SENSOR).state());
    }

    @Test
    void theJournalNamesTheConsoleAsWhoMadeTheTransition() throws Exception {
        run(transition("sensor-22", "bootstrap"));
        List<JournalEntry> journal = registry.journal(SENSOR);
        assertEquals("console", journal.get(journal.size() - 1).by(), "no Karaf account runs this test");
        assertTrue(run(show("sensor-22", true)).contains("MANUFACTURED -> BOOTSTRAPPING  by console"));
    }

    @Test
    void rebootstrapAndDecommissionSayWhatHappenedToTheKeys() throws Exception {
        run(transition("lamp-1", "MAINTAIN"));
        byte[] before = key(keyStore, LAMP, Layer.TRANSPORT);
        assertEquals("lamp-1: MAINTENANCE -> BOOTSTRAPPING (REBOOTSTRAP)\nKeys of every layer rotated\n",
                run(transition("lamp-1", "Rebootstrap")));
        for (Layer layer : Layer.values()) {
            assertEquals(2, generation(LAMP, layer), layer.name());
        }
        assertFalse(Arrays.equals(before, key(keyStore, LAMP, Layer.TRANSPORT)), "REBOOTSTRAP made new keys");
        assertEquals("lamp-1: BOOTSTRAPPING -> DECOMMISSIONED (DECOMMISSION)\nKeys of every layer revoked\n",
                run(transition("lamp-1", "decommission")));
        assertFalse(keyStore.isActive(LAMP));
        assertThrows(KeyRevokedException.class, () -> keyStore.deriveKey(LAMP, Layer.TRANSPORT, MECHANISM, 32));
    }

    @Test
    void illegalTransitionChangesNothing() {
        List<KeyMetadata> keys = allKeys();
        assertEquals("Error: thing 'sensor-22' is MANUFACTURED: ACTIVATE is not allowed; allowed from "
                + "MANUFACTURED: [BOOTSTRAP, DECOMMISSION]", fail(transition("sensor-22", "activate")));
        assertEquals(LifecycleState.MANUFACTURED, registry.get(SENSOR).state());
        assertEquals(keys, allKeys(), "no key changed");
    }

    @Test
    void unknownTransitionNameAndUnknownThingAreRefused() {
        assertEquals("Error: unknown transition 'reboot': use one of BOOTSTRAP, ACTIVATE, MAINTAIN, RESUME, "
                + "REBOOTSTRAP, DECOMMISSION, RECOMMISSION", fail(transition("lamp-1", "reboot")));
        assertEquals("Error: unknown thing 'ghost': it is not enrolled on this hub",
                fail(transition("ghost", "bootstrap")));
        assertEquals(LifecycleState.OPERATIONAL, registry.get(LAMP).state());
    }

    @Test
    void recommissionViaTransitionIsRefused() {
        registry.transition(SENSOR, Transition.DECOMMISSION);
        assertEquals("Error: RECOMMISSION needs a new owner and a fresh root credential: use "
                + "trusthub:thing-recommission", fail(transition("sensor-22", "recommission")));
        assertEquals(LifecycleState.DECOMMISSIONED, registry.get(SENSOR).state());
    }
}
