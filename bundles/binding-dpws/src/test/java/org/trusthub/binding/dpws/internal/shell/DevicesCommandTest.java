package org.trusthub.binding.dpws.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.DpwsStack;
import org.trusthub.binding.dpws.internal.Policies;
import org.trusthub.binding.dpws.internal.ThingSource;
import org.trusthub.testkit.Await;

/** dpws-devices --probe says how many devices it knows while it probes, and Ctrl-C ends the probe. */
class DevicesCommandTest {

    @Test
    void probeShowsProgressAndCtrlCEndsIt() throws Exception {
        DpwsStack stack = new DpwsStack(DpwsStack.Config.loopback("hub"), new ThingSource() {
            @Override
            public List<ThingId> hosted() {
                return List.of();
            }

            @Override
            public Optional<String> state(ThingId thing) {
                return Optional.empty();
            }
        }, Policies.plain());
        try {
            stack.start();
            DevicesCommand devices = new DevicesCommand();
            devices.probeSeconds = 30;
            devices.every = Duration.ofMillis(50);
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            devices.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread console = new Thread(() -> {
                try {
                    devices.run(stack);
                    done.complete(null);
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
            console.start();
            Await.until("the probe to show progress",
                    () -> printed.toString(StandardCharsets.UTF_8).contains("probing… 0 found"));
            console.interrupt();
            // long before the 30 s probe would have run out
            done.get(10, TimeUnit.SECONDS);
            String out = printed.toString(StandardCharsets.UTF_8);
            assertTrue(out.startsWith("Probing for DPWS devices for 30 s (Ctrl-C to cancel)\n"), out);
            assertTrue(out.endsWith("Cancelled: probe stopped\n"), out);
            assertFalse(out.contains("No DPWS devices discovered."), out);
            assertEquals(0, stack.client().devices().size());
        } finally {
            stack.close();
        }
    }
}
