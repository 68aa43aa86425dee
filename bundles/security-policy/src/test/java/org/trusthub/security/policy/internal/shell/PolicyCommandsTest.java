package org.trusthub.security.policy.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.trusthub.security.policy.internal.shell.CommandRunner.fail;
import static org.trusthub.security.policy.internal.shell.CommandRunner.run;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.security.policy.internal.ConfigAdminStub;
import org.trusthub.security.policy.internal.PolicyComponent;

/** The policy commands edit Config Admin; the rules in force follow it. */
class PolicyCommandsTest {
    final ConfigAdminStub config = new ConfigAdminStub();
    PolicyComponent policy;

    @BeforeEach
    void activate() {
        policy = config.activate();
    }

    PolicyListCommand list() {
        PolicyListCommand c = new PolicyListCommand();
        c.policy = policy;
        return c;
    }

    PolicyAddCommand add(String... words) {
        PolicyAddCommand c = new PolicyAddCommand();
        c.policy = policy;
        c.words = Arrays.asList(words);
        return c;
    }

    PolicyRemoveCommand remove(String... words) {
        PolicyRemoveCommand c = new PolicyRemoveCommand();
        c.policy = policy;
        c.words = Arrays.asList(words);
        return c;
    }

    PolicySetCommand set(String... words) {
        PolicySetCommand c = new PolicySetCommand();
        c.policy = policy;
        c.words = words.length == 0 ? null : Arrays.asList(words);
        return c;
    }

    @Test
    void listSaysWhatNoRulesMean() throws Exception {
        assertEquals("No rules: no protection required beyond each binding's mechanisms; nothing authorized but a "
                + "thing reading its own properties.\n", run(list()));
    }

    @Test
    void addStoresTheRuleInCanonicalForm() throws Exception {
        assertEquals("Added: protect * coap in confidentiality\n",
                run(add("protect", "*", "coap", "in", "Confidentiality")));
        assertEquals("Already there: protect * coap in confidentiality\n",
                run(add("protect * coap in confidentiality")));
        assertEquals("Added: read sensor-1 lamp-1 level on\n", run(add("read", "sensor-1", "lamp-1", "on", "level")));
        assertEquals("protect * coap in confidentiality; read sensor-1 lamp-1 level on", config.storedRules());
        assertEquals("protect * coap in confidentiality\nread sensor-1 lamp-1 level on\n", run(list()));
    }

    @Test
    void aBadRuleIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
        run(add("pair lamp-1 sensor-1"));
        int updates = config.updates;
        assertEquals("Error: rule 'protect * coap in strong': field 5 (protection): unknown protection level "
                + "'strong': give none, integrity or confidentiality", fail(add("protect", "*", "coap", "in", "strong")));
        assertEquals("Error: rule 'pair lamp-1 sensor-1?[2J': field 3: character 9 is not printable ASCII (U+001B): "
                + "a rule holds printable ASCII only", fail(add("pair", "lamp-1", "sensor-1\u001b[2J")));
        assertEquals("Error: rule 'grant lamp-1': field 1 (verb): 'grant' is not a rule: start with protect, read, "
                + "write, token or pair", fail(add("grant", "lamp-1")));
        assertEquals(updates, config.updates);
        assertEquals("pair lamp-1 sensor-1\n", run(list()));
    }

    @Test
    void removeTakesAnySpellingAndRefusesARuleNotThere() throws Exception {
        run(add("read * lamp-1 on level"));
        assertEquals("Error: no such rule: pair a b", fail(remove("pair", "a", "b")));
        assertEquals("Removed: read * lamp-1 level on\n", run(remove("read", "*", "lamp-1", "level", "on")));
        assertEquals("", config.storedRules());
    }

    @Test
    void setReplacesEveryRuleOrNone() throws Exception {
        run(add("pair lamp-1 sensor-1"));
        assertEquals("Rules in force: 2\nprotect * * in integrity\nread * * *\n",
                run(set("protect * * in integrity;", "read * * * ;")));
        int updates = config.updates;
        assertEquals("Error: rule 2 ('pair a'): 2 fields, exactly 3 wanted: write pair THING PEER",
                fail(set("pair a b; pair a")));
        assertEquals("Error: no rules given: give them separated by ';', or --clear to remove every rule",
                fail(set()));
        assertEquals(updates, config.updates);
        assertEquals(List.of("protect * * in integrity", "read * * *"), policy.table().rules());

        PolicySetCommand clear = set();
        clear.clear = true;
        clear.force = true;
        assertEquals("Lowered: * coap in: integrity -> none\nLowered: * dpws in: integrity -> none\n"
                + "Lowered: * zigbee in: integrity -> none\nLowered: * bluetooth in: integrity -> none\n"
                + "Rules in force: 0\n", run(clear));
    }

    static final String SHIPPED = "protect * dpws both confidentiality/end-to-end; read * * dpws-metadata dpws-state";

    @Test
    void aChangeThatLowersProtectionIsRefusedNamingEachDropUnlessForced() throws Exception {
        run(set(SHIPPED));
        int updates = config.updates;
        String drops = "* dpws in: confidentiality/end-to-end -> none; * dpws out: confidentiality/end-to-end -> none";
        assertEquals("Error: refused: this lowers 2 protection requirement(s): " + drops + "; give --force to apply "
                + "it", fail(set("read * * dpws-metadata dpws-state")));
        assertEquals("Error: refused: this lowers 2 protection requirement(s): " + drops + "; give --force to apply "
                + "it", fail(remove("protect * dpws both confidentiality/end-to-end")));
        assertEquals("Error: refused: this lowers 1 protection requirement(s): lamp-1 dpws out: "
                + "confidentiality/end-to-end -> integrity; give --force to apply it",
                fail(add("protect lamp-1 dpws out integrity")));
        assertEquals(updates, config.updates, "a refused change stored something");
        assertEquals(List.of("protect * dpws both confidentiality/end-to-end", "read * * dpws-metadata dpws-state"),
                policy.table().rules());

        // Raising or keeping a requirement needs no --force.
        assertEquals("Added: protect lamp-1 * both confidentiality/end-to-end\n",
                run(add("protect lamp-1 * both confidentiality/end-to-end")));

        PolicySetCommand forced = set("read * * dpws-metadata dpws-state");
        forced.force = true;
        assertEquals("Lowered: * dpws in: confidentiality/end-to-end -> none\n"
                + "Lowered: * dpws out: confidentiality/end-to-end -> none\n"
                + "Lowered: lamp-1 coap in: confidentiality/end-to-end -> none\n"
                + "Lowered: lamp-1 coap out: confidentiality/end-to-end -> none\n"
                + "Lowered: lamp-1 dpws in: confidentiality/end-to-end -> none\n"
                + "Lowered: lamp-1 dpws out: confidentiality/end-to-end -> none\n"
                + "Lowered: lamp-1 zigbee in: confidentiality/end-to-end -> none\n"
                + "Lowered: lamp-1 zigbee out: confidentiality/end-to-end -> none\n"
                + "Lowered: lamp-1 bluetooth in: confidentiality/end-to-end -> none\n"
                + "Lowered: lamp-1 bluetooth out: confidentiality/end-to-end -> none\n"
                + "Rules in force: 1\nread * * dpws-metadata dpws-state\n", run(forced));
    }

    @Test
    void listShowsWhyTheFileIsRefused() throws Exception {
        run(add("pair lamp-1 sensor-1"));
        config.file("pair a\u0007 b");
        assertEquals("pair lamp-1 sensor-1\nConfiguration refused (org.trusthub.security.policy): rule 1 "
                + "('pair a? b'): field 2: character 2 is not printable ASCII (U+0007): a rule holds printable ASCII "
                + "only; the rules above stay in force\n", run(list()));
    }

    @Test
    void aBadFileAtStartIsShownAsFailingClosed() throws Exception {
        ConfigAdminStub fresh = new ConfigAdminStub();
        fresh.file("pair a");
        policy = fresh.activate();
        assertEquals("No rules in force: the stored rules are refused, so nothing is authorized and every thing is "
                + "required confidentiality/end-to-end.\nConfiguration refused (org.trusthub.security.policy): rule 1 "
                + "('pair a'): 2 fields, exactly 3 wanted: write pair THING PEER\n",
                run(list()));
    }
}
