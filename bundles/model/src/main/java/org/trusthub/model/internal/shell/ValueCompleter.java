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
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.model.ThingModelRegistry;

/** Completes values for the property named earlier on the line: on/off/toggle, or the ends of its range. */
@Service
public class ValueCompleter implements Completer {

    @Reference
    ThingModelRegistry model;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        Optional<ThingModel> thing = PropertyCompleter.thingOnLine(model, commandLine);
        String[] words = commandLine.getArguments();
        int at = commandLine.getCursorArgumentIndex();
        Optional<Property> property = thing.flatMap(m -> at >= 1 && at - 1 < words.length
                ? m.property(words[at - 1]) : Optional.empty());
        List<String> values = property.map(p -> suggestions(p.descriptor())).orElse(List.of());
        return new StringsCompleter(values, true).complete(session, commandLine, candidates);
    }

    static List<String> suggestions(PropertyDescriptor d) {
        return switch (d.type()) {
            case SWITCH -> List.of("on", "off", "toggle");
            case LEVEL -> List.of("0", "25", "50", "75", "100");
            default -> {
                Double lo = d.lowest();
                Double hi = d.highest();
                yield java.util.stream.Stream.of(lo, hi).filter(java.util.Objects::nonNull)
                        .map(v -> v == Math.rint(v) ? Long.toString(v.longValue()) : v.toString()).toList();
            }
        };
    }
}
