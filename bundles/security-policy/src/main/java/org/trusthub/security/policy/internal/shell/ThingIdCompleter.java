package org.trusthub.security.policy.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.trusthub.api.security.SecurityStatus;

/** Completes the ids of the things the security status knows (the registry's and every binding's). */
@Service
public class ThingIdCompleter implements Completer {

    @Reference
    SecurityStatus status;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> ids = status.things().stream().map(t -> t.value()).toList();
        return new StringsCompleter(ids, true).complete(session, commandLine, candidates);
    }
}
