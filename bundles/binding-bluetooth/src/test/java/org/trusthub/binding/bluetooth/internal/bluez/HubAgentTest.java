package org.trusthub.binding.bluetooth.internal.bluez;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.UInt32;
import org.junit.jupiter.api.Test;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations;

/**
 * The agent's numeric comparison when the pairing ends without the operator: the comparison must not outlive it, or a
 * confirmation typed later would let BlueZ finish a bond the hub no longer waits for (a bond outside the keystore).
 */
class HubAgentTest {

    static final String DEVICE = "/org/bluez/hci0/dev_C0_51_4D_00_00_04";
    static final String ADDRESS = "C0:51:4D:00:00:04";

    final PairingConfirmations confirmations = new PairingConfirmations();
    final HubAgent agent = new HubAgent(confirmations, Duration.ofSeconds(60));

    @Test
    void whenTheHubStopsWaitingForThePairingItsComparisonEndsAndALateConfirmationFindsNothing() throws Exception {
        CompletableFuture<String> answer = comparison();
        agent.done(DEVICE);
        assertTrue(answer.get(10, TimeUnit.SECONDS).contains("the pairing ended before the operator answered"));
        assertTrue(confirmations.pending().isEmpty(), "nothing left waiting");
        assertThrows(IllegalStateException.class, () -> confirmations.confirm(ADDRESS, "482753"));
    }

    @Test
    void blueZCancellingTheRequestEndsTheComparison() throws Exception {
        CompletableFuture<String> answer = comparison();
        agent.Cancel();
        assertTrue(answer.get(10, TimeUnit.SECONDS).contains("the pairing ended before the operator answered"));
        assertTrue(confirmations.pending().isEmpty());
    }

    @Test
    void theOperatorsConfirmationStillWorksWhileThePairingRuns() throws Exception {
        CompletableFuture<String> answer = comparison();
        assertEquals(PairingConfirmations.Outcome.CONFIRMED, confirmations.confirm(ADDRESS, "482753"));
        assertEquals("confirmed", answer.get(10, TimeUnit.SECONDS));
    }

    /** BlueZ's RequestConfirmation for a device the hub is pairing, answered on another thread. */
    private CompletableFuture<String> comparison() throws InterruptedException {
        agent.expect(DEVICE, ADDRESS);
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try {
                agent.RequestConfirmation(new DBusPath(DEVICE), new UInt32(482753));
                return "confirmed";
            } catch (Exception e) {
                return String.valueOf(e.getMessage());
            }
        });
        // bounded wait for the agent's thread to park the comparison; not a timing assertion
        for (int i = 0; i < 400 && confirmations.pending().isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertEquals(1, confirmations.pending().size());
        assertFalse(answer.isDone());
        return answer;
    }
}
