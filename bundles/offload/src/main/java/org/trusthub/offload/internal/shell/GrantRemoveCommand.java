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

/** Removes one offload grant, as trusthub:grant-list shows it. Tokens already issued live out their lifetime. */
@Service
@Command(scope = "trusthub", name = "grant-remove", description = "Removes an offload grant, written as grant-list "
        + "shows it; tokens and keys already issued live out their lifetime")
public class GrantRemoveCommand implements Action {

    static final String STILL_VALID = "Tokens and pairwise keys issued under it stay valid until they expire "
            + "(trusthub:offload-tokens lists the live tokens)";

    @Reference
    OffloadGrants grants;

    @Argument(index = 0, name = "grant", required = true, multiValued = true,
            description = "token CLIENT AUDIENCE SCOPE... | pair THING PEER")
    List<String> words;

    @Override
    public Object execute() throws CommandException {
        String entry = String.join(" ", words);
        try {
            grants.remove(entry);
        } catch (IllegalArgumentException | IOException e) {
            throw error(e.getMessage());
        }
        System.out.println("Removed: " + GrantTable.canonical(entry));
        // The hub cannot recall a token or a pairwise key: say so where the operator acts.
        System.out.println(STILL_VALID);
        return null;
    }

    static CommandException error(String message) {
        String line = "Error: " + String.valueOf(message).replaceAll("\\p{Cntrl}", " ");
        return new CommandException(line, line);
    }
}
