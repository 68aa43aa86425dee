package org.trusthub.security.wss.internal;

import java.util.List;

/**
 * What the WS-Security configuration in force says, for {@code trusthub:wss-policies}: the policy of each kind of
 * peer and each thing entry, and every setting or entry that was refused.
 */
public interface PolicyReport {

    /** One line of the table: who it applies to ("default", "unenrolled" or a thing id) and its policy's words. */
    record Row(String appliesTo, String policy) {
    }

    List<Row> policies();

    /** Refused settings and entries, one line each: which, why, and what applies instead. */
    List<String> refused();

    /** The policy in the configuration's own words ({@code sign encrypt username ttl=60}, or {@code plain}). */
    static String words(org.trusthub.security.wss.WssPolicy policy) {
        if (policy.isPlain()) {
            return "plain ttl=" + policy.timestampTtl().toSeconds();
        }
        StringBuilder b = new StringBuilder();
        if (policy.sign()) {
            b.append("sign ");
        }
        if (policy.encrypt()) {
            b.append("encrypt ");
        }
        if (policy.usernameToken()) {
            b.append("username ");
        }
        return b.append("ttl=").append(policy.timestampTtl().toSeconds()).toString();
    }
}
