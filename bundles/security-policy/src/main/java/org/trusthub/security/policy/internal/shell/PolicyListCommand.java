package org.trusthub.security.policy.internal.shell;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.security.policy.internal.PolicyComponent;

/** The rules in force; anything they do not grant is refused. */
@Service
@Command(scope = "trusthub", name = "policy-list", description = "Lists the security policy rules in force "
        + "(protection required, authorization); anything not granted is refused")
public class PolicyListCommand extends PolicyAction {

    @Reference
    PolicyComponent policy;

    @Override
    protected void run() {
        PrintStream out = out();
        List<String> rules = policy.table().rules();
        if (policy.table().failsClosed()) {
            out.println("No rules in force: the stored rules are refused, so nothing is authorized and every thing "
                    + "is required confidentiality/end-to-end.");
        } else if (rules.isEmpty()) {
            out.println("No rules: no protection required beyond each binding's mechanisms; nothing authorized but "
                    + "a thing reading its own properties.");
        }
        rules.forEach(out::println);
        policy.error().ifPresent(e -> out.println("Configuration refused (" + PolicyComponent.PID + "): "
                + printable(e) + (policy.table().failsClosed() ? "" : "; the rules above stay in force")));
    }
}
