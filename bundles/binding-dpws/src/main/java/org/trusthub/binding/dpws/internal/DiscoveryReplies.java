package org.trusthub.binding.dpws.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the device host's answers to Probes and Resolves from a thread of their own, so the thread that reads
 * discovery datagrams never builds, signs or waits for a reply: each reply is built and signed when its turn comes,
 * the replies of one answer {@link #SPACING_MILLIS} apart so a long answer does not overflow the prober's receive
 * buffer. At most {@code maxPending} replies wait at any time (an answer larger than that only when nothing else
 * waits); an answer that does not fit is not queued at all. Whatever any number of (spoofed) sources ask, the host
 * spends one thread and a bounded queue on answering them.
 */
final class DiscoveryReplies implements AutoCloseable {

    static final int MAX_PENDING = 1024;
    static final int SPACING_MILLIS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryReplies.class);

    private final BiConsumer<SoapMessage, InetSocketAddress> send;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();
    private final ScheduledThreadPoolExecutor sender;

    /** @param send signs and sends one reply now (called on the sender thread) */
    DiscoveryReplies(BiConsumer<SoapMessage, InetSocketAddress> send, int maxPending) {
        this.send = send;
        this.maxPending = maxPending;
        this.sender = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dpws-discovery-replies");
            t.setDaemon(true);
            return t;
        });
        sender.setRemoveOnCancelPolicy(true);
        sender.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Queues one answer, the first reply after {@code delayMillis}; false (nothing queued) when the replies already
     * waiting leave no room for it.
     */
    boolean offer(List<Supplier<SoapMessage>> replies, InetSocketAddress to, long delayMillis) {
        int n = replies.size();
        while (true) {
            int p = pending.get();
            if (p > 0 && p + n > maxPending) {
                return false;
            }
            if (pending.compareAndSet(p, p + n)) {
                break;
            }
        }
        long at = delayMillis;
        int queued = 0;
        try {
            for (Supplier<SoapMessage> r : replies) {
                sender.schedule(() -> {
                    try {
                        send.accept(r.get(), to);
                    } catch (RuntimeException e) {
                        LOG.warn("DPWS: a discovery reply to {} was not sent: {}", to, e.toString());
                    } finally {
                        pending.decrementAndGet();
                    }
                }, at, TimeUnit.MILLISECONDS);
                queued++;
                at += SPACING_MILLIS;
            }
        } catch (RejectedExecutionException e) {
            // Closing: the rest of the answer is not sent.
            pending.addAndGet(queued - n);
            return false;
        }
        return true;
    }

    /** Replies queued and not yet sent. */
    int pending() {
        return pending.get();
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
