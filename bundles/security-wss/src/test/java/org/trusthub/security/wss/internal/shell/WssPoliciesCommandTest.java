package org.trusthub.security.wss.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.trusthub.security.wss.WsSecurity;
import org.trusthub.security.wss.internal.PolicyReport;

class WssPoliciesCommandTest {

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private WssPoliciesCommand command(List<PolicyReport.Row> rows, List<String> refused) {
        WssPoliciesCommand c = new WssPoliciesCommand();
        c.wss = (WsSecurity) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WsSecurity.class, PolicyReport.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "policies" -> rows;
                    case "refused" -> refused;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        c.out = new PrintStream(output, true, StandardCharsets.UTF_8);
        return c;
    }

    @Test
    void listsThePoliciesInForce() throws Exception {
        command(List.of(new PolicyReport.Row("default", "sign encrypt ttl=300"),
                new PolicyReport.Row("lamp-1", "sign encrypt username ttl=60")), List.of()).execute();
        String out = output.toString(StandardCharsets.UTF_8);
        assertEquals(List.of("Applies to | Policy", "-----------+-----------------------------",
                "default    | sign encrypt ttl=300", "lamp-1     | sign encrypt username ttl=60"), out.lines().toList());
    }

    @Test
    void aRefusedEntryMakesTheCommandFailNamingIt() {
        CommandException e = assertThrows(CommandException.class, () -> command(
                List.of(new PolicyReport.Row("broken-3", "sign encrypt ttl=300")),
                List.of("thingPolicies entry 'broken-3: sign shout': unknown word 'shout'; broken-3 gets "
                        + "sign,encrypt")).execute());
        assertEquals("Error: 1 setting of org.trusthub.security.wss refused: thingPolicies entry 'broken-3: sign "
                + "shout': unknown word 'shout'; broken-3 gets sign,encrypt", e.getNiceHelp());
        String out = output.toString(StandardCharsets.UTF_8);
        assertEquals("Refused: thingPolicies entry 'broken-3: sign shout': unknown word 'shout'; broken-3 gets "
                + "sign,encrypt", out.lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void aRefusedEntryReachesTheTerminalWithoutItsControlCharacters() {
        assertThrows(CommandException.class, () -> command(List.of(),
                List.of("thingPolicies entry 'x: \u001b]0;owned\u0007sign': unknown word")).execute());
        String out = output.toString(StandardCharsets.UTF_8);
        assertFalse(out.chars().anyMatch(c -> c == 0x1b || c == 0x07), out);
        assertTrue(out.contains("Refused: thingPolicies entry 'x:  ]0;owned sign': unknown word"), out);
    }
}
