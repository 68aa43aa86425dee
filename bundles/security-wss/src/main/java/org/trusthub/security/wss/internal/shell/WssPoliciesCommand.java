package org.trusthub.security.wss.internal.shell;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.security.wss.WsSecurity;
import org.trusthub.security.wss.internal.PolicyReport;

@Service
@Command(scope = "trusthub", name = "wss-policies", description = "WS-Security policies in force (PID "
        + "org.trusthub.security.wss): the default, unenrolled peers, each thing entry; fails when a setting or "
        + "entry was refused, naming it")
public class WssPoliciesCommand implements Action {

    @Reference
    WsSecurity wss;

    /** Tests set it; Karaf leaves it null and System.out is the session's console. */
    PrintStream out;

    @Override
    public Object execute() throws Exception {
        if (!(wss instanceof PolicyReport report)) {
            throw error("the WS-Security provider does not report its policies");
        }
        PrintStream o = out != null ? out : System.out;
        ShellTable table = new ShellTable().forceAscii();
        table.column("Applies to");
        table.column("Policy");
        for (PolicyReport.Row row : report.policies()) {
            table.addRow().addContent(row.appliesTo(), row.policy());
        }
        table.print(o);
        List<String> refused = report.refused();
        if (!refused.isEmpty()) {
            // an entry is quoted as the file holds it: control characters would reach the operator's terminal
            refused.forEach(r -> o.println("Refused: " + r.replaceAll("\\p{Cntrl}", " ")));
            throw error(refused.size() + (refused.size() == 1 ? " setting" : " settings")
                    + " of org.trusthub.security.wss refused: " + refused.get(0)
                    + (refused.size() > 1 ? " (and more, listed above)" : ""));
        }
        return null;
    }

    /** One {@code Error:} line, no stack trace; an ssh or bin/client command exits with status 1. */
    private static CommandException error(String message) {
        String line = "Error: " + message.replaceAll("\\p{Cntrl}", " ");
        return new CommandException(line, line);
    }
}
