package org.trusthub.shell.internal;

import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingId;

@Service
@Command(scope = "trusthub", name = "key-rotate",
        description = "Starts a new key generation for one layer of a thing, or for every layer")
public class KeyRotateCommand extends TrustHubAction {

    @Reference
    ThingKeyStore keyStore;

    @Argument(index = 0, name = "id", description = "The thing's id", required = true)
    @Completion(ThingIdCompleter.class)
    String id;

    @Argument(index = 1, name = "layer", description = "LINK, NETWORK, TRANSPORT or APPLICATION; all when omitted")
    @Completion(LayerCompleter.class)
    String layer;

    @Override
    protected void run() throws Exception {
        ThingId thingId = thingId(id);
        if (layer != null) {
            Layer which = layer(layer);
            int generation = keyStore.rotate(thingId, which);
            out().println(thingId + ": " + which + " keys rotated to generation " + generation);
            return;
        }
        keyStore.rotateAll(thingId);
        String generations = keyStore.metadata(thingId).layers().stream()
                .map(l -> l.layer() + " " + l.generation()).collect(Collectors.joining(", "));
        out().println(thingId + ": keys of every layer rotated (" + generations + ")");
    }
}
