package ${package}.internal.shell;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.thing.ThingId;

import ${package}.internal.${bindingClass}Binding;

/** {@code trusthub:${bindingName}-status}: the things the binding serves and their properties. */
@Service
@Command(scope = "trusthub", name = "${bindingName}-status",
        description = "Lists the things the ${bindingName} binding serves and their properties")
public class ${bindingClass}StatusCommand implements Action {

    @Reference
    ${bindingClass}Binding binding;

    /** Where output goes; tests set it, Karaf leaves it null and System.out is the session's console. */
    PrintStream out;

    @Override
    public Object execute() {
        PrintStream o = out != null ? out : System.out;
        Map<ThingId, List<PropertyDescriptor>> things = binding.described();
        o.println("${bindingName} binding: " + things.size() + " thing(s)");
        if (things.isEmpty()) {
            return null;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Thing");
        table.column("Properties");
        things.forEach((thing, properties) -> table.addRow().addContent(thing.value(), properties.stream()
                .map(p -> p.id() + ":" + p.type().name().toLowerCase(java.util.Locale.ROOT)
                        + (p.writable() ? ":rw" : ""))
                .collect(Collectors.joining(" "))));
        table.print(o);
        return null;
    }
}
