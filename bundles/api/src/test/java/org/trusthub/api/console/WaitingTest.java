package org.trusthub.api.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/** A command's wait: progress while it lasts, Ctrl-C (an interrupt of the command's thread) ends it cleanly. */
class WaitingTest {

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsWhatItDoesAndProgressUntilTheResultArrives() throws Exception {
        CountDownLatch ticked = new CountDownLatch(2);
        Optional<String> r = Waiting.<String>on(out, "Probing").every(Duration.ofMillis(20))
                .progress(elapsed -> {
                    ticked.countDown();
                    return "probing… " + ticked.getCount() + " left";
                })
                .run(() -> {
                    ticked.await();
                    return "done";
                });
        assertEquals(Optional.of("done"), r);
        assertTrue(printed().startsWith("Probing (Ctrl-C to cancel)\n"), printed());
        assertTrue(printed().contains("  probing… 1 left\n") && printed().contains("  probing… 0 left\n"), printed());
    }

    @Test
    void theTasksOwnExceptionComesOutUnchanged() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Waiting.on(out, "Reading").run(() -> {
                    throw new IllegalStateException("lamp-1 is not registered");
                }));
        assertEquals("lamp-1 is not registered", e.getMessage());
    }

    @Test
    void anInterruptEndsTheWaitAndInterruptsTheTask() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean taskInterrupted = new AtomicBoolean();
        List<String> undone = new CopyOnWriteArrayList<>();
        CompletableFuture<Optional<String>> command = new CompletableFuture<>();
        Thread console = new Thread(() -> {
            try {
                command.complete(Waiting.<String>on(out, "Waiting for the peer")
                        .onCancel(undone::add, "nothing was paired")
                        .run(() -> {
                            started.countDown();
                            try {
                                new CountDownLatch(1).await();
                            } catch (InterruptedException e) {
                                taskInterrupted.set(true);
                                throw e;
                            }
                            return "never";
                        }));
            } catch (Throwable t) {
                command.completeExceptionally(t);
            }
        });
        console.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        console.interrupt();
        assertEquals(Optional.empty(), command.get(10, TimeUnit.SECONDS));
        assertTrue(taskInterrupted.get());
        assertEquals(List.of(), undone, "nothing to undo: the task stopped");
        assertTrue(printed().endsWith("Cancelled: nothing was paired\n"), printed());
    }

    @Test
    void aResultThatArrivesDespiteTheInterruptIsUndone() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        List<String> undone = new CopyOnWriteArrayList<>();
        CompletableFuture<Optional<String>> command = new CompletableFuture<>();
        Thread console = new Thread(() -> {
            try {
                command.complete(Waiting.<String>on(out, "Pairing")
                        .onCancel(undone::add, "the paired thing was removed again")
                        .run(() -> {
                            started.countDown();
                            // a step that cannot stop: it ignores the interrupt and completes
                            boolean interrupted = false;
                            while (!interrupted) {
                                interrupted = Thread.interrupted();
                                Thread.onSpinWait();
                            }
                            return "ble-c0514d000004";
                        }));
            } catch (Throwable t) {
                command.completeExceptionally(t);
            }
        });
        console.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        console.interrupt();
        assertEquals(Optional.empty(), command.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("ble-c0514d000004"), undone);
        assertTrue(printed().endsWith("Cancelled: the paired thing was removed again\n"), printed());
    }
}
