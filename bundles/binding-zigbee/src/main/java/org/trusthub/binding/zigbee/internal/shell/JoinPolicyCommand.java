package org.trusthub.binding.zigbee.internal.shell;

import java.io.PrintStream;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.binding.zigbee.spi.JoinPolicy;

@Service
@Command(scope = "zigbee", name = "join-policy", description = "Shows or sets who may join: DENY, INSTALL_CODE_ONLY,"
        + " SECURE_JOIN")
public class JoinPolicyCommand extends ZigbeeAction {

    @Argument(index = 0, name = "policy", description = "the new policy", required = false)
    String policy;

    @Override
    void run(PrintStream out) {
        out.println(banner());
        if (policy != null) {
            JoinPolicy p;
            try {
                p = JoinPolicy.valueOf(policy.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown join policy '" + policy.replaceAll("[^\\x20-\\x7e]", "?")
                        + "': use DENY, INSTALL_CODE_ONLY or SECURE_JOIN");
            }
            bridge.setJoinPolicy(p);
        }
        out.println("join policy " + bridge.joinPolicy());
    }
}
