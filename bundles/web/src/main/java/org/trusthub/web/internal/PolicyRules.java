package org.trusthub.web.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The security policy's {@code token} rules (which client may get a token for which audience and scopes), read from
 * the policy's configuration as {@code trusthub:policy-list} shows it; the policy's API answers questions, it does
 * not list rules.
 */
final class PolicyRules {

    static final String PID = "org.trusthub.security.policy";

    volatile ConfigurationAdmin configAdmin;

    List<String> tokenRules() {
        List<String> out = new ArrayList<>();
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            return out;
        }
        try {
            Configuration c = ca.getConfiguration(PID, "?");
            Dictionary<String, Object> p = c.getProperties();
            Object rules = p == null ? null : p.get("rules");
            if (rules == null) {
                return out;
            }
            for (String rule : String.valueOf(rules).split(";")) {
                String r = rule.strip().replaceAll("\\s+", " ");
                if (r.startsWith("token ")) {
                    out.add(r);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // No configuration readable now: no rules to show.
        }
        return out;
    }
}
