package org.trusthub.model.internal.shell;

import java.util.Locale;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.thing.ThingId;

@Service
@Command(scope = "trusthub", name = "thing-set",
        description = "Writes a thing's property through its binding (set on/off/toggle, set level 40)",
        detailedDescription = "The value is checked first (type, range; a refused one sends nothing). The command "
                + "returns when the thing confirmed and prints the value it then has.")
public class ThingSetCommand extends ModelAction {

    @Reference
    ThingModelRegistry model;

    @Argument(index = 0, name = "thing", description = "The thing's id", required = true)
    @Completion(ModelThingCompleter.class)
    String thing;

    @Argument(index = 1, name = "property", description = "The property's id (on, level, ...)", required = true)
    @Completion(PropertyCompleter.class)
    String property;

    @Argument(index = 2, name = "value", description = "on, off or toggle for a switch; a number (with or without its"
            + " unit) otherwise", required = true)
    @Completion(ValueCompleter.class)
    String value;

    @Override
    protected void run() throws Exception {
        ThingId id = thingId(thing);
        Property after = "toggle".equals(value.strip().toLowerCase(Locale.ROOT)) ? model.toggle(id, property)
                : model.writeText(id, property, value);
        ThingModel m = model.model(id).orElseThrow();
        out().println(id + " " + after.id() + " = " + after.value().map(v -> Values.withUnit(after, v)
                + " (" + v.quality() + ", " + v.origin() + ")").orElse("-") + " via " + Values.binding(m));
    }
}
