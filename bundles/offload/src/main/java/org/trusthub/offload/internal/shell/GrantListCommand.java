package org.trusthub.offload.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.offload.internal.hub.OffloadGrants;

/** The grants in force: what the offload services may issue to whom; everything else is refused. */
@Service
@Command(scope = "trusthub", name = "grant-list", description = "Lists the offload grants in force (tokens, pairwise "
        + "keys); anything not listed is refused")
public class GrantListCommand implements Action {

    @Reference
    OffloadGrants grants;

    @Override
    public Object execute() {
        List<String> entries = grants.table().entries();
        if (entries.isEmpty()) {
            System.out.println("No grants: every token and pairwise key request is refused (default deny).");
        }
        for (String e : entries) {
            System.out.println(e);
        }
        grants.error().ifPresent(e -> System.out.println("Configuration refused (" + OffloadGrants.PID + "): "
                + e.replaceAll("\\p{Cntrl}", " ") + "; the grants above stay in force"));
        return null;
    }
}
