package org.trusthub.model.internal.shell;

import java.time.Clock;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.thing.ThingId;

@Service
@Command(scope = "trusthub", name = "thing-properties",
        description = "Lists what things can do: their properties, last values, units, ages and bindings",
        detailedDescription = "Quality GOOD: the value came from the thing; UNAVAILABLE: its binding stopped or "
                + "cannot reach it, the value is the last one known. W marks properties trusthub:thing-set writes.")
public class ThingPropertiesCommand extends ModelAction {

    @Reference
    ThingModelRegistry model;

    @Argument(index = 0, name = "thing", description = "Only this thing")
    @Completion(ModelThingCompleter.class)
    String thing;

    @Option(name = "--refresh", aliases = "-r", description = "Ask the thing's binding to read every property first"
            + " (answers arrive shortly after)")
    boolean refresh;

    Clock clock = Clock.systemUTC();

    @Override
    protected void run() throws Exception {
        List<ThingModel> models;
        if (thing != null) {
            ThingId id = thingId(thing);
            if (refresh) {
                model.refresh(id);
            }
            models = List.of(model.model(id).orElseThrow(() -> error("thing " + id
                    + " has no model: no binding describes it")));
        } else {
            models = model.models();
            if (refresh) {
                for (ThingModel m : models) {
                    if (m.available()) {
                        model.refresh(m.thing());
                    }
                }
            }
        }
        if (models.isEmpty()) {
            out().println("No thing has properties yet.");
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Thing");
        table.column("Property");
        table.column("Type");
        table.column("W");
        table.column("Value").alignRight();
        table.column("Unit");
        table.column("Age").alignRight();
        table.column("Quality");
        table.column("Origin");
        table.column("Binding");
        var now = clock.instant();
        for (ThingModel m : models) {
            for (Property p : m.properties()) {
                table.addRow().addContent(m.thing().value(), p.id(), p.descriptor().type().name(),
                        p.descriptor().writable() ? "W" : "", Values.value(p), p.descriptor().unit(),
                        p.value().map(v -> Values.age(v, now)).orElse("-"),
                        p.value().map(v -> v.quality().name()).orElse(m.available() ? "-" : "UNAVAILABLE"),
                        p.value().map(v -> v.origin().name()).orElse("-"), Values.binding(m));
            }
        }
        table.print(out());
    }
}
