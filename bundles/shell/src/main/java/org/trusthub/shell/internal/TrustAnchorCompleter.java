package org.trusthub.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.trusthub.api.keystore.ThingKeyStore;

/** Completes the aliases of trust anchors. */
@Service
public class TrustAnchorCompleter implements Completer {

    @Reference
    ThingKeyStore keyStore;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(List.copyOf(keyStore.trustAnchors().keySet()), true).complete(session,
                commandLine, candidates);
    }
}
