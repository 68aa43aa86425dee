package org.trusthub.security.policy.internal.shell;

import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.security.policy.internal.PolicyComponent;

/** Replaces every stored rule at once; a bad rule refuses them all and changes nothing. */
@Service
@Command(scope = "trusthub", name = "policy-set", description = "Replaces every security policy rule: the rules, "
        + "separated by ';' (quote them: the console reads a bare ';' as the end of the command)")
public class PolicySetCommand extends PolicyAction {

    @Reference
    PolicyComponent policy;

    @Argument(index = 0, name = "rules", multiValued = true, description = "the rules, separated by ';'")
    List<String> words;

    @Option(name = "--force", description = "apply it even though it lowers a protection requirement in force (each "
            + "one lowered is listed)")
    boolean force;

    @Option(name = "--clear", description = "remove every rule (nothing is then authorized)")
    boolean clear;

    @Override
    protected void run() throws Exception {
        List<String> rules = words == null ? List.of() : Arrays.stream(String.join(" ", words).split(";"))
                .map(String::strip).filter(r -> !r.isEmpty()).toList();
        if (rules.isEmpty() != clear) {
            throw new IllegalArgumentException(clear ? "--clear takes no rules"
                    : "no rules given: give them separated by ';', or --clear to remove every rule");
        }
        PolicyComponent.Change change = policy.set(rules, force);
        change.lowered().forEach(l -> out().println("Lowered: " + l));
        out().println("Rules in force: " + policy.table().rules().size());
        policy.table().rules().forEach(out()::println);
    }
}
