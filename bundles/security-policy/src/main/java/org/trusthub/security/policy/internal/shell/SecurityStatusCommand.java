package org.trusthub.security.policy.internal.shell;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.security.SecurityStatus;
import org.trusthub.api.security.SecurityStatus.LayerStatus;
import org.trusthub.api.security.SecurityStatus.ThingStatus;

/**
 * One table for every thing whatever its protocol: per layer its mechanisms, key generation and age, the protection
 * of the sessions held now, the inbound protection the policy requires, and the refusals. Never a secret: the
 * sources hand out none.
 */
@Service
@Command(scope = "trusthub", name = "security-status", description = "Shows every thing's security across "
        + "protocols: state, protocols, per layer the mechanisms, key generation and age, current protection, the "
        + "policy's inbound requirement and refusals")
public class SecurityStatusCommand extends PolicyAction {

    @Reference
    SecurityStatus status;

    @Argument(index = 0, name = "thing", description = "only this thing")
    @Completion(ThingIdCompleter.class)
    String thing;

    @Override
    protected void run() {
        List<ThingStatus> things;
        if (thing == null) {
            things = status.all();
        } else {
            ThingId id = ThingId.of(thing);
            things = List.of(status.of(id).orElseThrow(() -> new IllegalArgumentException("no thing " + id
                    + " in the registry or any binding")));
        }
        PrintStream out = out();
        if (things.isEmpty()) {
            out.println("No things.");
        } else {
            ShellTable table = new ShellTable().forceAscii();
            for (String c : List.of("Thing", "State", "Protocols", "Required in", "Layer", "Mechanisms", "Gen",
                    "Key age", "Protection now", "Refusals")) {
                table.column(c);
            }
            for (ThingStatus t : things) {
                boolean first = true;
                for (LayerStatus l : t.layers()) {
                    table.addRow().addContent(first ? t.thing().value() : "",
                            first ? t.state().map(Enum::name).orElse("-") : "",
                            first ? dash(String.join(", ", t.protocols())) : "",
                            first ? dash(required(t.required())) : "", l.layer(),
                            dash(String.join(", ", l.mechanisms())), l.generation() == 0 ? "-" : l.generation(),
                            l.keyAge().map(Formats::age).orElse("-"), dash(sessions(l.sessions())),
                            dash(l.refusals().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                                    .collect(Collectors.joining(", "))));
                    first = false;
                }
            }
            table.print(out);
        }
        if (thing == null) {
            long unattributed = status.unattributedRefusals();
            if (unattributed > 0) {
                out.println("Refusals not tied to a known thing: " + unattributed + " (trusthub:refusals)");
            }
        }
        List<String> missing = status.missing();
        if (!missing.isEmpty()) {
            out.println("Not running, so not shown: " + String.join(", ", missing));
        }
    }

    private static String required(Map<String, ?> required) {
        return required.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** Each session as mechanism and protection, with how many alike: {@code oscore confidentiality/end-to-end}. */
    private static String sessions(List<Authenticated> sessions) {
        Map<String, Long> alike = sessions.stream().collect(Collectors.groupingBy(
                s -> s.mechanism() + " " + s.protection(), java.util.TreeMap::new, Collectors.counting()));
        return alike.entrySet().stream().map(e -> e.getKey() + (e.getValue() > 1 ? " x" + e.getValue() : ""))
                .collect(Collectors.joining(", "));
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
