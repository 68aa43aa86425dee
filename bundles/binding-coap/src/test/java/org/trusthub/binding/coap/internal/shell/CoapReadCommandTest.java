package org.trusthub.binding.coap.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.trusthub.binding.coap.internal.CoapBindingStatus;
import org.trusthub.testkit.Await;

/** coap-read says it waits for the thing's answer while it waits, and Ctrl-C ends the wait. */
class CoapReadCommandTest {

    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final AtomicBoolean requestInterrupted = new AtomicBoolean();

    /** A binding whose thing never answers: its read waits until its thread is interrupted. */
    final CoapBindingStatus silentThing = (CoapBindingStatus) Proxy.newProxyInstance(
            CoapBindingStatus.class.getClassLoader(), new Class<?>[] {CoapBindingStatus.class},
            (proxy, method, args) -> {
                if (!method.getName().equals("read")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    requestInterrupted.set(true);
                }
                return "no answer";
            });

    @Test
    void showsTheWaitAndCtrlCEndsIt() throws Exception {
        CoapReadCommand read = new CoapReadCommand();
        read.coap = silentThing;
        read.thing = "lamp-1";
        read.path = "/temp";
        read.every = Duration.ofMillis(50);
        read.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        CompletableFuture<Object> done = new CompletableFuture<>();
        Thread console = new Thread(() -> {
            try {
                done.complete(read.execute());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        console.start();
        Await.until("the wait to show", () -> printed().contains("waiting for lamp-1 to answer… "));
        console.interrupt();
        assertEquals(null, done.get(10, TimeUnit.SECONDS));
        String out = printed();
        assertTrue(out.startsWith("Reading /temp of lamp-1 (Ctrl-C to cancel)\n"), out);
        assertTrue(out.endsWith("Cancelled: read of /temp of lamp-1 stopped\n"), out);
        assertFalse(out.contains("no answer"), "the abandoned request's result is not printed:\n" + out);
        assertTrue(requestInterrupted.get(), "the request's thread was interrupted");
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }
}
