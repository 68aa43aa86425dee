package org.trusthub.binding.bluetooth.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.bluetooth.internal.BluetoothBridge;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations.Outcome;
import org.trusthub.testkit.Await;

/**
 * ble-scan and ble-pair say what they wait for while they wait, and Ctrl-C (Karaf interrupts the thread running the
 * command) ends the wait with nothing left half-done.
 */
class BleLongCommandsTest {

    static final String ADDRESS = "C0:51:4D:00:00:04";
    static final ThingId THING = ThingId.of("ble-c0514d000004");

    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final PairingConfirmations confirmations = new PairingConfirmations();
    final List<ThingId> removed = new CopyOnWriteArrayList<>();
    final CountDownLatch scanning = new CountDownLatch(1);

    /** A bridge whose scan runs until interrupted and whose pair is what each test makes it. */
    class SlowBridge implements BluetoothBridge {
        volatile PairStep pair;

        @Override
        public boolean isSimulated() {
            return true;
        }

        @Override
        public List<Discovered> scan() {
            scanning.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                throw new IllegalStateException("scan interrupted");
            }
            return List.of();
        }

        @Override
        public ThingId pair(String address, String owner) {
            return pair.pair(address);
        }

        @Override
        public List<BondInfo> bonds() {
            return List.of();
        }

        @Override
        public void remove(ThingId thing) {
            removed.add(thing);
        }
    }

    interface PairStep {
        ThingId pair(String address);
    }

    final SlowBridge bridge = new SlowBridge();

    @Test
    void scanShowsProgressAndCtrlCEndsIt() throws Exception {
        BleScanCommand scan = new BleScanCommand();
        scan.bridge = bridge;
        scan.every = Duration.ofMillis(50);
        Running running = start(scan);
        assertTrue(scanning.await(10, TimeUnit.SECONDS));
        awaitPrinted("scanning… ");
        running.thread.interrupt();
        running.done.get(10, TimeUnit.SECONDS);
        String out = printed();
        assertTrue(out.startsWith("[SIMULATED adapter] Scanning for Bluetooth LE devices (Ctrl-C to cancel)\n"), out);
        assertTrue(out.endsWith("Cancelled: scan stopped, nothing was changed\n"), out);
        assertFalse(out.contains("Bluetooth LE scan:"), "no table after a cancelled scan:\n" + out);
    }

    @Test
    void pairShowsItWaitsForTheComparisonAndCtrlCRefusesIt() throws Exception {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        bridge.pair = address -> {
            // as the agent does: the numeric comparison waits for the operator
            Outcome o = confirmations.await(address, 482753, Duration.ofSeconds(60));
            outcome.complete(o);
            throw new IllegalStateException("pairing refused: " + o);
        };
        BlePairCommand pair = pair();
        Running running = start(pair);
        awaitPrinted("waiting for peer confirmation");
        running.thread.interrupt();
        running.done.get(10, TimeUnit.SECONDS);
        String out = printed();
        assertTrue(out.startsWith("[SIMULATED adapter] Pairing with " + ADDRESS + " (Ctrl-C to cancel)\n"), out);
        assertTrue(out.contains("trusthub:ble-pairing-confirm " + ADDRESS + " <number>"), out);
        assertFalse(out.contains("482753"), "the hub's number is never printed");
        assertTrue(out.endsWith("Cancelled: pairing with " + ADDRESS + " stopped, nothing was commissioned\n"), out);
        assertTrue(outcome.get(10, TimeUnit.SECONDS) != Outcome.CONFIRMED);
        assertEquals(List.of(), confirmations.pending(), "no comparison left waiting");
        assertEquals(List.of(), removed, "nothing was commissioned, so nothing to remove");
    }

    @Test
    void aPairingThatCompletesDespiteCtrlCIsRemovedAgain() throws Exception {
        CountDownLatch pairing = new CountDownLatch(1);
        bridge.pair = address -> {
            pairing.countDown();
            // past the point of stopping: the interrupt is noticed only once the thing is commissioned
            while (!Thread.interrupted()) {
                Thread.onSpinWait();
            }
            return THING;
        };
        BlePairCommand pair = pair();
        Running running = start(pair);
        assertTrue(pairing.await(10, TimeUnit.SECONDS));
        running.thread.interrupt();
        running.done.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(THING), removed);
        assertFalse(printed().contains("Paired and commissioned"), printed());
        assertTrue(printed().endsWith("nothing was commissioned\n"), printed());
    }

    @Test
    void aPairingThatEndsOnItsOwnPrintsTheThing() throws Exception {
        bridge.pair = address -> THING;
        BlePairCommand pair = pair();
        start(pair).done.get(10, TimeUnit.SECONDS);
        assertTrue(printed().endsWith("[SIMULATED adapter] Paired and commissioned " + THING.value() + "\n"),
                printed());
        assertEquals(List.of(), removed);
    }

    private BlePairCommand pair() {
        BlePairCommand pair = new BlePairCommand();
        pair.bridge = bridge;
        pair.confirmations = confirmations;
        pair.address = ADDRESS.toLowerCase();
        pair.owner = "alice";
        pair.every = Duration.ofMillis(50);
        return pair;
    }

    record Running(Thread thread, CompletableFuture<Object> done) {
    }

    private Running start(BleAction action) {
        action.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        CompletableFuture<Object> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                done.complete(action.execute());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "console");
        t.start();
        return new Running(t, done);
    }

    private void awaitPrinted(String text) {
        Await.until("the command to print " + text, () -> printed().contains(text));
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }
}
