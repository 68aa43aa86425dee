package org.trusthub.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.keystore.ThingKeyStore;

@Service
@Command(scope = "trusthub", name = "trust-anchor-remove", description = "Removes a trust anchor")
public class TrustAnchorRemoveCommand extends TrustHubAction {

    @Reference
    ThingKeyStore keyStore;

    @Argument(index = 0, name = "alias", description = "The trust anchor's alias", required = true)
    @Completion(TrustAnchorCompleter.class)
    String alias;

    @Override
    protected void run() throws Exception {
        if (!keyStore.removeTrustAnchor(alias)) {
            throw error("no trust anchor '" + alias + "'");
        }
        out().println("Trust anchor " + alias + " removed");
    }
}
