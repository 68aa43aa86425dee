package org.trusthub.binding.bluetooth.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations.Outcome;
import org.trusthub.testkit.Await;

/** The operator's side of a numeric comparison: what the console shows and what a typed number does. */
class BlePairingCommandsTest {

    static final String ADDRESS = "C0:51:4D:00:00:04";
    final PairingConfirmations confirmations = new PairingConfirmations();
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @Test
    void pendingListsTheAddressButNeverTheNumberAndConfirmTakesTheDevicesDigits() throws Exception {
        CompletableFuture<Outcome> pairing = waitFor(482753);
        String shown = run(pending());
        assertTrue(shown.contains("1 pairing(s) waiting") && shown.contains(ADDRESS), shown);
        assertFalse(shown.contains("482753"), "the hub's number is not printed");

        BlePairingConfirmCommand confirm = confirm("c0:51:4d:00:00:04", "482753");
        assertTrue(run(confirm).contains("confirmed"));
        assertEquals(Outcome.CONFIRMED, pairing.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anotherNumberIsAnErrorAndRefusesThePairing() throws Exception {
        CompletableFuture<Outcome> pairing = waitFor(482753);
        CommandException e = assertThrows(CommandException.class, () -> run(confirm(ADDRESS, "482754")));
        assertTrue(e.getMessage().startsWith("Error: the number differs"), e.getMessage());
        assertEquals(Outcome.WRONG_NUMBER, pairing.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aMalformedNumberOrAnAddressNotPairingChangesNothing() throws Exception {
        CompletableFuture<Outcome> pairing = waitFor(482753);
        CommandException bad = assertThrows(CommandException.class, () -> run(confirm(ADDRESS, "4827")));
        assertTrue(bad.getMessage().contains("six digits"), bad.getMessage());
        CommandException none = assertThrows(CommandException.class,
                () -> run(confirm("C0:51:4D:00:00:09", "482753")));
        assertTrue(none.getMessage().contains("no pairing with C0:51:4D:00:00:09"), none.getMessage());
        assertFalse(pairing.isDone(), "the pairing still waits");

        BlePairingRejectCommand reject = new BlePairingRejectCommand();
        reject.confirmations = confirmations;
        reject.address = ADDRESS;
        reject.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        reject.execute();
        assertEquals(Outcome.REJECTED, pairing.get(10, TimeUnit.SECONDS));
    }

    private CompletableFuture<Outcome> waitFor(long passkey) {
        CompletableFuture<Outcome> f = CompletableFuture.supplyAsync(
                () -> confirmations.await(ADDRESS, passkey, Duration.ofSeconds(60)));
        Await.until("the agent's thread to park the comparison", () -> !confirmations.pending().isEmpty());
        assertEquals(1, confirmations.pending().size());
        return f;
    }

    private BlePairingPendingCommand pending() {
        BlePairingPendingCommand c = new BlePairingPendingCommand();
        c.confirmations = confirmations;
        return c;
    }

    private BlePairingConfirmCommand confirm(String address, String number) {
        BlePairingConfirmCommand c = new BlePairingConfirmCommand();
        c.confirmations = confirmations;
        c.address = address;
        c.number = number;
        return c;
    }

    private String run(BleAction action) throws Exception {
        printed.reset();
        action.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        action.execute();
        return printed.toString(StandardCharsets.UTF_8);
    }
}
