package org.trusthub.offload.internal.shell;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.thing.ThingId;

/** Creates a group of operational things with its first epoch. Never prints keys. */
@Service
@Command(scope = "trusthub", name = "offload-group-create", description = "Creates a group the hub keys, with its "
        + "first epoch; every member must be OPERATIONAL")
public class OffloadGroupCreateCommand implements Action {

    @Reference
    GroupKeyService groups;

    @Argument(index = 0, name = "group", required = true,
            description = "1 to 64 characters: lower-case letters, digits, . _ : -")
    String group;

    @Argument(index = 1, name = "members", required = true, multiValued = true, description = "The members' ids")
    List<String> members;

    @Override
    public Object execute() throws CommandException {
        Set<ThingId> ids = new TreeSet<>();
        for (String m : members) {
            if (!ThingId.isValid(m)) {
                throw error("not a thing id: " + m);
            }
            ids.add(ThingId.of(m));
        }
        GroupInfo info;
        try {
            info = groups.create(group, ids);
        } catch (IllegalArgumentException | OffloadException e) {
            throw error(e.getMessage());
        }
        System.out.println("Group " + info.name() + " created, epoch " + info.epoch() + ", members "
                + info.members().stream().map(ThingId::value).collect(Collectors.joining(" ")));
        return null;
    }

    private static CommandException error(String message) {
        String line = "Error: " + message.replaceAll("\\p{Cntrl}", " ");
        return new CommandException(line, line);
    }
}
