package org.trusthub.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.trusthub.api.thing.ThingRegistry;

/** Completes the ids of enrolled things. */
@Service
public class ThingIdCompleter implements Completer {

    @Reference
    ThingRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> ids = registry.list().stream().map(t -> t.id().value()).toList();
        return new StringsCompleter(ids, true).complete(session, commandLine, candidates);
    }
}
