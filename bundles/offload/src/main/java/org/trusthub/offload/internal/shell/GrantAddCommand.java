package org.trusthub.offload.internal.shell;

import java.io.IOException;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.trusthub.offload.internal.hub.GrantTable;
import org.trusthub.offload.internal.hub.OffloadGrants;

/** Adds one offload grant; kept in Config Admin, so it survives a restart. */
@Service
@Command(scope = "trusthub", name = "grant-add", description = "Grants a thing tokens for an audience with scopes "
        + "('token CLIENT AUDIENCE SCOPE...') or pairwise keys with a peer ('pair THING PEER'); CLIENT, AUDIENCE, "
        + "THING and PEER are a thing id, @group or \"*\"; scope \"*\" allows any scope")
public class GrantAddCommand implements Action {

    @Reference
    OffloadGrants grants;

    @Argument(index = 0, name = "grant", required = true, multiValued = true,
            description = "token CLIENT AUDIENCE SCOPE... | pair THING PEER")
    List<String> words;

    @Override
    public Object execute() throws CommandException {
        String entry = String.join(" ", words);
        try {
            System.out.println((grants.add(entry) ? "Granted: " : "Already granted: ") + GrantTable.canonical(entry));
        } catch (IllegalArgumentException | IOException e) {
            throw GrantRemoveCommand.error(e.getMessage());
        }
        return null;
    }
}
