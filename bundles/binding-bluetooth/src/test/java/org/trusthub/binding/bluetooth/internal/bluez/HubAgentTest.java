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
import org.trusthub.testkit.Await;

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

    @Test
    void atMostTwoComparisonsHoldABusThreadAThirdIsRefusedAtOnce() throws Exception {
        CompletableFuture<String> first = comparison();
        CompletableFuture<String> second = comparison(DEVICE + "5", "C0:51:4D:00:00:05", 2);
        agent.expect(DEVICE + "6", "C0:51:4D:00:00:06");
        CompletableFuture<String> third = request(DEVICE + "6");
        assertTrue(third.get(10, TimeUnit.SECONDS).contains("2 comparisons already wait for the operator"));
        assertEquals(2, confirmations.pending().size(), "the two waiting ones are untouched");
        assertFalse(first.isDone() || second.isDone());
        agent.Cancel();
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<String> comparison() {
        return comparison(DEVICE, ADDRESS, 1);
    }

    /** BlueZ's RequestConfirmation for a device the hub is pairing, answered on another thread. */
    private CompletableFuture<String> comparison(String device, String address, int waiting) {
        agent.expect(device, address);
        CompletableFuture<String> answer = request(device);
        Await.until("the agent's thread to park the comparison", () -> confirmations.pending().size() >= waiting);
        assertEquals(waiting, confirmations.pending().size());
        assertFalse(answer.isDone());
        return answer;
    }

    private CompletableFuture<String> request(String device) {
        // a thread of its own, as each of dbus-java's method-call threads would be
        CompletableFuture<String> answer = new CompletableFuture<>();
        Thread bus = new Thread(() -> {
            try {
                agent.RequestConfirmation(new DBusPath(device), new UInt32(482753));
                answer.complete("confirmed");
            } catch (Exception e) {
                answer.complete(String.valueOf(e.getMessage()));
            }
        });
        bus.setDaemon(true);
        bus.start();
        return answer;
    }
}
