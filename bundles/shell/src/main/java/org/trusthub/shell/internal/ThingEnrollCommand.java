package org.trusthub.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;

@Service
@Command(scope = "trusthub", name = "thing-enroll",
        description = "Enrolls a new thing (state MANUFACTURED) with its root credential",
        detailedDescription = "Give exactly one of --secret-file, --certificate or --generate-secret. "
                + "The secret is never printed.")
public class ThingEnrollCommand extends CredentialAction {

    @Argument(index = 0, name = "id", description = "The new thing's id, e.g. lamp-kitchen-1", required = true)
    String id;

    @Argument(index = 1, name = "owner", description = "Who the thing belongs to (1 to 64 printable characters)",
            required = true)
    String owner;

    @Override
    protected void run() throws Exception {
        ThingId thingId = thingId(id);
        // Refuse a known id before any file is read or generated.
        registry.find(thingId).ifPresent(known -> {
            throw new DuplicateThingException(thingId, "it is " + known.state());
        });
        Thing thing = withCredential(credential -> asOperator(registry).enroll(thingId, owner, credential));
        out().println("Enrolled " + thing.id());
        Formats.thing(out(), thing);
        printSecretNote();
    }
}
