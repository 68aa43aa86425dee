package org.trusthub.offload.internal.shell;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.offload.internal.hub.HubDetails;

/** Groups, their members and epochs. Never their keys. */
@Service
@Command(scope = "trusthub", name = "offload-groups", description = "Lists the groups the hub keys, their members, "
        + "current epoch, the epochs kept and how many came back from the keystore at start (never their keys)")
public class OffloadGroupsCommand implements Action {

    @Reference
    GroupKeyService groups;

    @Override
    public Object execute() {
        List<GroupInfo> list = groups.groups();
        if (list.isEmpty()) {
            System.out.println("No groups.");
            return null;
        }
        HubDetails details = groups instanceof HubDetails d ? d : null;
        if (details != null) {
            System.out.println(details.durable()
                    ? "Epoch keys are stored keys of the keystore: a restart keeps every group's epochs."
                    : "Epoch keys are in memory only (no state directory): a restart forgets the groups.");
        }
        ShellTable t = new ShellTable().forceAscii();
        t.column("Group");
        t.column("Epoch");
        t.column("Epochs kept");
        t.column("Re-keyed");
        t.column("Restored at start");
        t.column("Members");
        for (GroupInfo g : list) {
            t.addRow().addContent(g.name(), g.epoch(),
                    g.epochsKept().stream().map(String::valueOf).collect(Collectors.joining(",")),
                    g.rekeyed().toString(),
                    details == null ? "-" : details.restoredEpochs(g.name()) + " of " + g.epochsKept().size(),
                    g.members().stream().map(m -> m.value()).collect(Collectors.joining(" ")));
        }
        t.print(System.out);
        return null;
    }
}
