package org.trusthub.binding.bluetooth.internal.shell;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.console.Waiting;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations.Pending;

@Service
@Command(scope = "trusthub", name = "ble-pair", description = "Pairs with a Bluetooth LE device (LE Secure "
        + "Connections) and commissions it: bond in the keystore, thing operational")
public class BlePairCommand extends BleAction {

    @Reference
    PairingConfirmations confirmations;

    @Argument(index = 0, name = "address", required = true, description = "Address the device advertises with now "
            + "(see trusthub:ble-scan)")
    String address;

    @Argument(index = 1, name = "owner", required = true, description = "Who the thing belongs to")
    String owner;

    /** How often the pairing says what it waits for; tests shorten it. */
    Duration every = Waiting.EVERY;

    @Override
    protected void run() throws Exception {
        String peer = address.trim().toUpperCase(Locale.ROOT);
        // Ctrl-C stops the pairing (the numeric comparison an agent thread waits on included); a pairing that got
        // past the point of stopping is decommissioned again, so a cancelled pair commissions nothing.
        Optional<ThingId> paired = Waiting.<ThingId>on(out(), adapterLabel() + "Pairing with " + peer)
                .every(every).progress(elapsed -> waitingFor(peer, elapsed))
                .stopWith(() -> confirmations.cancel(peer))
                .onCancel(bridge::remove, "pairing with " + peer + " stopped, nothing was commissioned")
                .run(() -> bridge.pair(address, owner));
        if (paired.isPresent()) {
            out().println(adapterLabel() + "Paired and commissioned " + paired.get().value());
        }
    }

    private String waitingFor(String peer, Duration elapsed) {
        Optional<Pending> comparison = confirmations.pending().stream().filter(p -> p.address().equals(peer))
                .findFirst();
        if (comparison.isPresent()) {
            return "waiting for peer confirmation: compare the number the device shows, then trusthub:"
                    + "ble-pairing-confirm " + peer + " <number> (" + comparison.get().secondsLeft() + " s left)";
        }
        return "pairing… " + elapsed.toSeconds() + " s";
    }
}
