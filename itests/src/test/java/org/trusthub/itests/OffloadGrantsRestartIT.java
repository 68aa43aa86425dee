package org.trusthub.itests;

import org.junit.Test;

/**
 * What offload may issue, added from the console as security policy rules ({@code token ...}), is still what offload
 * issues after a restart of the hub: two boots of the distribution (see {@link OffloadGrantsRestartBoots}). Pax Exam
 * unpacks a fresh Karaf for every boot, so Config Admin's own store (data/) does not carry over; what does is the etc/
 * file Karaf writes the rules back to, which is what an operator keeps, and which the first boot hands to the second.
 */
public class OffloadGrantsRestartIT {

    @Test
    public void tokenRulesAddedFromTheConsoleAreInForceAfterARestart() throws Exception {
        TwoBoots.run("offload-grants-restart-state", OffloadGrantsRestartBoots.STATE,
                OffloadGrantsRestartBoots.FirstBoot.class, OffloadGrantsRestartBoots.CFG,
                "the policy file Karaf wrote", OffloadGrantsRestartBoots.SecondBoot.class);
    }
}
