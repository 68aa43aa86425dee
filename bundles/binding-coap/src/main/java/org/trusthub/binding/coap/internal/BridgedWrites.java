package org.trusthub.binding.coap.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * Where writes to other bindings' things run: such a write returns once the thing confirmed (a ZigBee device's
 * answer can take seconds), so it must not hold one of the few threads that serve every CoAP request. A few writes
 * run at once and a bounded number wait; beyond that a write is answered 5.03 at once and reaches no thing.
 */
final class BridgedWrites {
    static final int THREADS = 2;
    static final int WAITING = 32;

    private final ThreadPoolExecutor executor;

    BridgedWrites() {
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(WAITING),
                r -> {
                    Thread t = new Thread(r, "coap-bridged-write-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs the write, which answers the exchange; the request is acknowledged now so the caller does not resend. */
    void run(CoapExchange exchange, Runnable write) {
        // before the write may answer: an empty ACK after the response would be out of order
        exchange.accept();
        try {
            executor.execute(write);
        } catch (RejectedExecutionException e) {
            Refusals.refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, "too many writes to things in progress");
        }
    }

    void shutdown() {
        executor.shutdownNow();
    }
}
