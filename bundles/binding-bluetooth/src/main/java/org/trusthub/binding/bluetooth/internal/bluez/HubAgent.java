package org.trusthub.binding.bluetooth.internal.bluez;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.bluez.Agent1;
import org.bluez.exceptions.BluezCanceledException;
import org.bluez.exceptions.BluezRejectedException;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations;

/**
 * The hub's BlueZ pairing agent (org.bluez.Agent1). The hub has no keyboard and no screen a person watches, so it
 * registers as NoInputNoOutput by default: with LE Secure Connections that is Just Works on P-256 ECDH (safe from
 * eavesdroppers, not from an active attacker during pairing). It only says yes for a device the hub is pairing right
 * now; PIN codes (BR/EDR legacy pairing) and passkey requests are refused, never guessed. A numeric comparison
 * (DisplayYesNo, KeyboardDisplay) is confirmed only by the operator typing the number the device shows
 * ({@link PairingConfirmations}); no answer in time refuses it.
 */
final class HubAgent implements Agent1 {

    static final String PATH = "/org/trusthub/bluetooth/agent";
    private static final Logger LOG = LoggerFactory.getLogger(HubAgent.class);

    /**
     * A comparison holds the D-Bus thread BlueZ's request came in on until the operator answers; dbus-java answers
     * incoming calls on 4 threads, so at most 2 comparisons wait at once and Cancel and other requests still get one.
     */
    static final int MAX_COMPARISONS = 2;
    private final AtomicInteger comparisons = new AtomicInteger();
    /** Device object path to the address the hub is pairing it by. */
    private final Map<String, String> pairing = new ConcurrentHashMap<>();
    private final PairingConfirmations confirmations;
    private final Duration confirmationWait;

    HubAgent(PairingConfirmations confirmations, Duration confirmationWait) {
        this.confirmations = confirmations;
        this.confirmationWait = confirmationWait;
    }

    /** The device objects the hub is pairing now; the agent answers for these only. */
    void expect(String devicePath, String address) {
        pairing.put(devicePath, address);
    }

    /** The hub's pairing of the device ended (paired, failed or given up): a comparison still waiting is cancelled. */
    void done(String devicePath) {
        String address = pairing.remove(devicePath);
        if (address != null) {
            confirmations.cancel(address);
        }
    }

    /** How long a numeric comparison waits for the operator. */
    Duration confirmationWait() {
        return confirmationWait;
    }

    @Override
    public String getObjectPath() {
        return PATH;
    }

    @Override
    public void Release() {
        LOG.info("BlueZ released the hub's pairing agent");
    }

    @Override
    public String RequestPinCode(DBusPath device) throws BluezRejectedException {
        throw refuse(device, "a PIN code (legacy pairing)");
    }

    @Override
    public void DisplayPinCode(DBusPath device, String pincode) throws BluezRejectedException {
        throw refuse(device, "displaying a PIN code (legacy pairing)");
    }

    @Override
    public UInt32 RequestPasskey(DBusPath device) throws BluezRejectedException {
        throw refuse(device, "a passkey (the hub has no keyboard)");
    }

    @Override
    public void DisplayPasskey(DBusPath device, UInt32 passkey, UInt16 entered) {
        // a one-time authentication value meant to be shown to the person at the device, not a key
        LOG.info("Bluetooth LE pairing with {}: enter passkey {} on the device", device.getPath(),
                String.format("%06d", passkey.longValue()));
    }

    @Override
    public void RequestConfirmation(DBusPath device, UInt32 passkey) throws BluezRejectedException {
        requirePairing(device, "numeric comparison");
        String address = pairing.get(device.getPath());
        if (address == null) {
            throw refuse(device, "numeric comparison for a pairing that has just ended");
        }
        if (comparisons.incrementAndGet() > MAX_COMPARISONS) {
            comparisons.decrementAndGet();
            throw refuse(device, "numeric comparison: " + MAX_COMPARISONS + " comparisons already wait for the"
                    + " operator");
        }
        PairingConfirmations.Outcome outcome;
        try {
            outcome = confirmations.await(address, passkey.longValue(), confirmationWait);
        } finally {
            comparisons.decrementAndGet();
        }
        if (outcome == PairingConfirmations.Outcome.CONFIRMED && !pairing.containsKey(device.getPath())) {
            // the hub stopped waiting for this pairing while the operator answered: no bond outside the keystore
            outcome = PairingConfirmations.Outcome.CANCELLED;
        }
        if (outcome != PairingConfirmations.Outcome.CONFIRMED) {
            throw refuse(device, "numeric comparison (" + switch (outcome) {
                case WRONG_NUMBER -> "the operator typed another number than the hub's";
                case REJECTED -> "rejected by the operator";
                case TIMED_OUT -> "no operator confirmation within " + confirmationWait.toSeconds() + " s";
                case CANCELLED -> "the pairing ended before the operator answered";
                default -> "the wait was interrupted";
            } + ")");
        }
    }

    @Override
    public void RequestAuthorization(DBusPath device) throws BluezRejectedException {
        requirePairing(device, "authorization");
    }

    @Override
    public void AuthorizeService(DBusPath device, String uuid) throws BluezRejectedException, BluezCanceledException {
        requirePairing(device, "service " + uuid);
    }

    @Override
    public void Cancel() {
        // Agent1.Cancel names no device: every comparison of a pairing this agent answers for ends (fails closed)
        LOG.info("BlueZ cancelled a request to the hub's pairing agent");
        for (String address : List.copyOf(pairing.values())) {
            confirmations.cancel(address);
        }
    }

    private void requirePairing(DBusPath device, String what) throws BluezRejectedException {
        if (!pairing.containsKey(device.getPath())) {
            throw refuse(device, what + " for a device the hub is not pairing");
        }
    }

    /** BlueZ fails the agent request, and with it the pairing, on any error reply. */
    private static DBusExecutionException refuse(DBusPath device, String what) {
        LOG.warn("Bluetooth LE pairing agent refused {} from {}", what, device.getPath());
        return new DBusExecutionException("refused by the hub: " + what);
    }
}
