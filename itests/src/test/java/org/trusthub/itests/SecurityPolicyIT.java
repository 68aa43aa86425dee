package org.trusthub.itests;

import org.junit.Test;

/**
 * The security policy edited from the console: a good rule is added, a bad one refused with nothing changed, the
 * rules survive a restart of the hub, and the security status shows an enrolled thing. Two boots of the distribution
 * (see {@link SecurityPolicyBoots}); what carries over is the etc/ file Karaf writes the rules back to.
 */
public class SecurityPolicyIT {

    @Test
    public void rulesFromTheConsoleAreCheckedKeptAndInForceAfterARestart() throws Exception {
        TwoBoots.run("security-policy-state", SecurityPolicyBoots.STATE, SecurityPolicyBoots.FirstBoot.class,
                SecurityPolicyBoots.CFG, "the policy file Karaf wrote", SecurityPolicyBoots.SecondBoot.class);
    }
}
