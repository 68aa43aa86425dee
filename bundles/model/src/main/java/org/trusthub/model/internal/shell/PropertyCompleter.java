package org.trusthub.model.internal.shell;

import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.thing.ThingId;

/** Completes the writable properties of the thing named earlier on the line. */
@Service
public class PropertyCompleter implements Completer {

    @Reference
    ThingModelRegistry model;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> ids = thingOnLine(model, commandLine).map(m -> m.properties().stream()
                .filter(p -> p.descriptor().writable()).map(Property::id).toList()).orElse(List.of());
        return new StringsCompleter(ids, true).complete(session, commandLine, candidates);
    }

    /** The first word after the command that names a thing with a model. */
    static Optional<ThingModel> thingOnLine(ThingModelRegistry model, CommandLine line) {
        String[] words = line.getArguments();
        for (int i = 1; i < words.length && i < line.getCursorArgumentIndex(); i++) {
            if (ThingId.isValid(words[i])) {
                Optional<ThingModel> m = model.model(ThingId.of(words[i]));
                if (m.isPresent()) {
                    return m;
                }
            }
        }
        return Optional.empty();
    }
}
