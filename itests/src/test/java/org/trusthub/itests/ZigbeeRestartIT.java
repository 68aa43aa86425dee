package org.trusthub.itests;

import org.junit.Test;

/**
 * Incoming ZigBee frame counters survive restarts (the keystore's replay marks): a frame an eavesdropper captured
 * before a restart of the ZigBee bundles, or of the whole hub, is refused after it, while the device's fresh frames are
 * accepted. Two boots sharing the trusthub state, as in {@link RestartIT}; see {@link ZigbeeRestartBoots}.
 */
public class ZigbeeRestartIT {

    @Test
    public void aFrameCapturedBeforeARestartIsRefusedAfterItAndFreshFramesWork() throws Exception {
        TwoBoots.run("zigbee-restart-state", ZigbeeRestartBoots.STATE, ZigbeeRestartBoots.FirstBoot.class,
                ZigbeeRestartBoots.RECORD, "the captured frame", ZigbeeRestartBoots.SecondBoot.class);
    }
}
