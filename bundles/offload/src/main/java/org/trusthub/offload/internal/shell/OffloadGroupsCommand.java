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

/** Groups, their members and epochs. Never their keys. */
@Service
@Command(scope = "trusthub", name = "offload-groups", description = "Lists the groups the hub keys, their members, "
        + "current epoch and the epochs kept (never their keys)")
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
        ShellTable t = new ShellTable().forceAscii();
        t.column("Group");
        t.column("Epoch");
        t.column("Epochs kept");
        t.column("Re-keyed");
        t.column("Members");
        for (GroupInfo g : list) {
            t.addRow().addContent(g.name(), g.epoch(),
                    g.epochsKept().stream().map(String::valueOf).collect(Collectors.joining(",")),
                    g.rekeyed().toString(),
                    g.members().stream().map(m -> m.value()).collect(Collectors.joining(" ")));
        }
        t.print(System.out);
        return null;
    }
}
