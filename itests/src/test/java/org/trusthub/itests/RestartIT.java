package org.trusthub.itests;

import org.junit.Test;

/**
 * The hub's state survives a restart: two boots of the distribution, one after the other, share the keystore, the
 * master key and the registry (see {@link RestartBoots}). Pax Exam unpacks a fresh Karaf for every boot, so the
 * trusthub state lives in a directory both boots are configured to use, laid out as in the distribution.
 */
public class RestartIT {

    @Test
    public void keystoreRegistryAndHubIdentitySurviveARestart() throws Exception {
        TwoBoots.run("restart-state", RestartBoots.STATE, RestartBoots.FirstBoot.class, RestartBoots.RECORD,
                "what it left", RestartBoots.SecondBoot.class);
    }
}
