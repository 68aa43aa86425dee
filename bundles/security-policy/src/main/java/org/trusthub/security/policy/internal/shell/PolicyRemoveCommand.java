package org.trusthub.security.policy.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.security.policy.internal.PolicyComponent;
import org.trusthub.security.policy.internal.RuleTable;

/** Removes one rule from the stored policy. */
@Service
@Command(scope = "trusthub", name = "policy-remove", description = "Removes a security policy rule, written as "
        + "policy-list shows it (or any spelling that reads the same)")
public class PolicyRemoveCommand extends PolicyAction {

    @Reference
    PolicyComponent policy;

    @Argument(index = 0, name = "rule", required = true, multiValued = true, description = "the rule's words")
    List<String> words;

    @Option(name = "--force", description = "apply it even though it lowers a protection requirement in force (each "
            + "one lowered is listed)")
    boolean force;

    @Override
    protected void run() throws Exception {
        String rule = String.join(" ", words);
        PolicyComponent.Change change = policy.remove(rule, force);
        change.lowered().forEach(l -> out().println("Lowered: " + l));
        out().println("Removed: " + RuleTable.canonical(rule));
    }
}
