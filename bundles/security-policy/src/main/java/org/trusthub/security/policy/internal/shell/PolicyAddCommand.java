package org.trusthub.security.policy.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.security.policy.internal.PolicyComponent;
import org.trusthub.security.policy.internal.RuleTable;

/** Adds one rule to the stored policy (Config Admin), which puts it in force and keeps it across restarts. */
@Service
@Command(scope = "trusthub", name = "policy-add", description = "Adds a security policy rule: 'protect SUBJECT "
        + "PROTOCOL in|out|both PROTECTION', 'read|write CALLER TARGET PROPERTY...', 'token CLIENT AUDIENCE "
        + "SCOPE...' or 'pair THING PEER'; quote a \"*\"")
public class PolicyAddCommand extends PolicyAction {

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
        PolicyComponent.Change change = policy.add(rule, force);
        change.lowered().forEach(l -> out().println("Lowered: " + l));
        out().println((change.changed() ? "Added: " : "Already there: ") + RuleTable.canonical(rule));
    }
}
