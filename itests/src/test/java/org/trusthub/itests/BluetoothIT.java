package org.trusthub.itests;

import org.junit.Test;

/**
 * The Bluetooth LE bridge in the real distribution, over two boots that share the hub's state (as {@link RestartIT}):
 * the first installs trusthub-bluetooth, pairs a SIMULATED peripheral with LE Secure Connections and sees legacy
 * pairing refused; the second finds the bond in the keystore, recognises the peripheral by its new private address,
 * reads it over the encrypted link, then removes the bond and sees the thing locked out.
 */
public class BluetoothIT {

    @Test
    public void aSimulatedPeripheralPairsAndItsBondSurvivesARestart() throws Exception {
        TwoBoots.run("bluetooth-state", BluetoothBoots.STATE, BluetoothBoots.FirstBoot.class, BluetoothBoots.RECORD,
                "what it left", BluetoothBoots.SecondBoot.class);
    }
}
