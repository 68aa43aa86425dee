package org.trusthub.model.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.trusthub.api.model.ThingModelRegistry;

/** Completes the ids of things that have a model. */
@Service
public class ModelThingCompleter implements Completer {

    @Reference
    ThingModelRegistry model;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> ids = model.models().stream().map(m -> m.thing().value()).toList();
        return new StringsCompleter(ids, true).complete(session, commandLine, candidates);
    }
}
