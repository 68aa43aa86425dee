package org.trusthub.testkit.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.trusthub.testkit.Await;

/**
 * Keeps traffic flowing through a hub, one thread per {@link LoadChannel}, while the caller swaps the hub's bundles.
 *
 * <p>Per protocol it counts messages sent (every attempt), acknowledged, unanswered (sent again) and lost: a message
 * the hub acknowledged and then did not hold when {@link #check()} read it back. Around each swap ({@link
 * #begin}/{@link #end}) it gives the gap in service per channel ({@link #gaps}). The {@link NonceLedger} the channels
 * record into finds any nonce or counter used twice.
 *
 * <pre>{@code
 * try (LoadDriver driver = new LoadDriver(Duration.ofMillis(5)).add(dtls).add(oscore)) {
 *     driver.start();
 *     LoadDriver.Swap swap = driver.begin("bundle:update 42");
 *     shell.run("bundle:update 42");
 *     LoadDriver.Swap ended = driver.end(swap);
 *     driver.check(); // at once: nothing written after the swap hides what it lost
 *     Await.until("traffic again after " + ended.what(), () -> driver.answeredSince(ended));
 *     System.out.println(driver.gaps(ended));
 *     assertEquals(0, driver.total().lost());
 * }
 * }</pre>
 */
public final class LoadDriver implements AutoCloseable {

    /** One protocol's counts; {@code replaysAccepted} is what an attacker got through with a recorded message. */
    public record Tally(String protocol, long sent, long acknowledged, long unanswered, long lost,
            long replaysRefused, long replaysAccepted, long reconnects) {

        Tally plus(Tally o) {
            return new Tally(protocol, sent + o.sent, acknowledged + o.acknowledged, unanswered + o.unanswered,
                    lost + o.lost, replaysRefused + o.replaysRefused, replaysAccepted + o.replaysAccepted,
                    reconnects + o.reconnects);
        }
    }

    /** A swap: what was done, and when it began and ended ({@link System#nanoTime()}; end 0 while under way). */
    public record Swap(String what, long beganNanos, long endedNanos) {
    }

    /**
     * One channel's service around one swap: the longest time without an acknowledged message from the last one
     * before the swap began to the first one after it ended, the time from the swap's end to that first one, the
     * messages under way when the swap began, and the attempts that went unanswered in between.
     */
    public record Gap(String swap, String protocol, String thing, Duration gap, Duration toFirstSuccess,
            int inFlight, int unanswered) {
    }

    private record Attempt(long startNanos, long endNanos, boolean acknowledged) {
    }

    private final Duration pause;
    private final Duration retryPause;
    private final List<Worker> workers = new ArrayList<>();
    /** Workers send under the read lock; {@link #check()} takes the write lock to hold them all still. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile boolean running;

    /**
     * @param pause how long each channel waits after an acknowledged message before the next (zero: none), so a run
     *              loads the hub evenly rather than as hard as it can; after an unanswered one it waits 50 ms
     */
    public LoadDriver(Duration pause) {
        this.pause = Objects.requireNonNull(pause, "pause");
        this.retryPause = Duration.ofMillis(50);
        if (pause.isNegative()) {
            throw new IllegalArgumentException("pause must not be negative: " + pause);
        }
    }

    /** Adds a channel; only before {@link #start()}. */
    public synchronized LoadDriver add(LoadChannel channel) {
        if (running) {
            throw new IllegalStateException("add channels before start()");
        }
        workers.add(new Worker(Objects.requireNonNull(channel, "channel")));
        return this;
    }

    /** Starts one thread per channel. */
    public synchronized void start() {
        if (running) {
            throw new IllegalStateException("already started");
        }
        if (workers.isEmpty()) {
            throw new IllegalStateException("no channels to drive");
        }
        running = true;
        for (Worker w : workers) {
            w.thread = new Thread(w, "load " + w.channel.protocol() + " " + w.channel.thing());
            w.thread.setDaemon(true);
            w.thread.start();
        }
    }

    /** Marks the beginning of a swap. */
    public Swap begin(String what) {
        return new Swap(Objects.requireNonNull(what, "what"), System.nanoTime(), 0);
    }

    /** Marks the end of a swap begun with {@link #begin}. */
    public Swap end(Swap swap) {
        if (swap.endedNanos() != 0) {
            throw new IllegalArgumentException(swap.what() + " has ended already");
        }
        return new Swap(swap.what(), swap.beganNanos(), System.nanoTime());
    }

    /** Whether every channel had a message acknowledged after the swap ended (its service is back). */
    public boolean answeredSince(Swap swap) {
        return workers.stream().allMatch(w -> w.firstAcknowledgedAfter(ended(swap)) != null);
    }

    /** The channels that had no message acknowledged since the swap ended, with their last failure. */
    public List<String> silentSince(Swap swap) {
        return workers.stream().filter(w -> w.firstAcknowledgedAfter(ended(swap)) == null)
                .map(w -> w.channel.protocol() + " " + w.channel.thing() + " (last failure: " + w.lastFailure + ")")
                .toList();
    }

    /** Each channel's last failure ("none" if it had none), for failure messages. */
    public List<String> lastFailures() {
        return workers.stream().map(w -> w.channel.protocol() + " " + w.channel.thing() + ": " + w.lastFailure)
                .toList();
    }

    /** Each channel's gap around the swap; call once {@link #answeredSince} holds. */
    public List<Gap> gaps(Swap swap) {
        long end = ended(swap);
        List<Gap> gaps = new ArrayList<>();
        for (Worker w : workers) {
            List<Attempt> attempts = w.attempts();
            Attempt first = w.firstAcknowledgedAfter(end);
            if (first == null) {
                throw new IllegalStateException(w.channel.thing() + " has not been answered since " + swap.what());
            }
            long previous = swap.beganNanos();
            for (Attempt a : attempts) {
                if (a.acknowledged() && a.endNanos() <= swap.beganNanos()) {
                    previous = a.endNanos();
                }
            }
            long longest = 0;
            int inFlight = 0;
            int unanswered = 0;
            long last = previous;
            for (Attempt a : attempts) {
                if (a.startNanos() < swap.beganNanos() && a.endNanos() > swap.beganNanos()) {
                    inFlight++;
                }
                if (a.endNanos() <= previous || a.endNanos() > first.endNanos()) {
                    continue;
                }
                if (a.acknowledged()) {
                    longest = Math.max(longest, a.endNanos() - last);
                    last = a.endNanos();
                } else {
                    unanswered++;
                }
            }
            gaps.add(new Gap(swap.what(), w.channel.protocol(), w.channel.thing(), Duration.ofNanos(longest),
                    Duration.ofNanos(Math.max(0, first.endNanos() - end)), inFlight, unanswered));
        }
        return gaps;
    }

    /**
     * Holds every channel still (each finishes the message under way), reads back what the hub holds of each
     * channel's acknowledged messages (counting what it lost), replays one recorded message per channel that records
     * them, and lets the channels go on. Waits up to 30 s per channel for the hub to answer the read-back, and as
     * long for an answer to the replay (a channel's {@link LoadChannel#replay()} throws while there is none).
     */
    public void check() throws Exception {
        gate.writeLock().lock();
        try {
            for (Worker w : workers) {
                long held = Await.until(w.channel.thing() + "'s values read back", Await.DEFAULT_TIMEOUT,
                        w.channel::held, v -> true, e -> e instanceof Exception);
                if (held != LoadChannel.NOTHING_HELD) {
                    // Each lost message counts once: a check that finds the same loss again adds nothing.
                    long acked = w.lastAcknowledged;
                    if (held < acked) {
                        w.lost += Math.max(0, acked - Math.max(held, w.countedLostUpTo));
                        w.countedLostUpTo = Math.max(w.countedLostUpTo, acked);
                    }
                }
                // Asked again while the hub does not answer at all: a refusal must come from the hub itself.
                Boolean accepted = Await.until(w.channel.thing() + "'s replay answered", Await.DEFAULT_TIMEOUT,
                        w.channel::replay, v -> true, e -> e instanceof Exception);
                if (Boolean.TRUE.equals(accepted)) {
                    w.replaysAccepted++;
                } else if (Boolean.FALSE.equals(accepted)) {
                    w.replaysRefused++;
                }
            }
        } finally {
            gate.writeLock().unlock();
        }
    }

    /** The counts per protocol, in the order channels were added. */
    public Map<String, Tally> tallies() {
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (Worker w : workers) {
            tallies.merge(w.channel.protocol(), w.tally(), Tally::plus);
        }
        return tallies;
    }

    /** The counts of all protocols together. */
    public Tally total() {
        return tallies().values().stream().reduce(new Tally("all", 0, 0, 0, 0, 0, 0, 0), Tally::plus);
    }

    /** The counts as a table, one protocol a line. */
    public String report() {
        StringBuilder out = new StringBuilder(String.format("%-12s %8s %8s %10s %5s %14s %15s %10s%n", "protocol",
                "sent", "acked", "unanswered", "lost", "replays refus.", "replays accept.", "reconnects"));
        for (Tally t : tallies().values()) {
            out.append(String.format("%-12s %8d %8d %10d %5d %14d %15d %10d%n", t.protocol(), t.sent(),
                    t.acknowledged(), t.unanswered(), t.lost(), t.replaysRefused(), t.replaysAccepted(),
                    t.reconnects()));
        }
        return out.toString();
    }

    /** Stops every channel's thread (each finishes the message under way) and closes the channels. */
    @Override
    public void close() {
        running = false;
        for (Worker w : workers) {
            if (w.thread != null) {
                w.thread.interrupt();
                try {
                    w.thread.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            w.channel.close();
        }
    }

    private static long ended(Swap swap) {
        if (swap.endedNanos() == 0) {
            throw new IllegalArgumentException(swap.what() + " has not ended: call end(swap) first");
        }
        return swap.endedNanos();
    }

    private final class Worker implements Runnable {
        final LoadChannel channel;
        final List<Attempt> attempts = new ArrayList<>();
        Thread thread;
        volatile long lastAcknowledged;
        volatile String lastFailure = "none";
        long sent;
        long acknowledged;
        long unanswered;
        // written under the gate's write lock only
        long lost;
        long countedLostUpTo;
        long replaysRefused;
        long replaysAccepted;

        Worker(LoadChannel channel) {
            this.channel = channel;
        }

        @Override
        public void run() {
            long sequence = 1;
            while (running && !Thread.currentThread().isInterrupted()) {
                boolean ok = false;
                gate.readLock().lock();
                try {
                    if (!running) {
                        return;
                    }
                    long start = System.nanoTime();
                    try {
                        ok = channel.send(sequence);
                        if (!ok) {
                            lastFailure = "refused or unanswered";
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception | AssertionError e) {
                        lastFailure = e.toString();
                    }
                    long end = System.nanoTime();
                    synchronized (this) {
                        attempts.add(new Attempt(start, end, ok));
                        sent++;
                        if (ok) {
                            acknowledged++;
                            lastAcknowledged = sequence;
                        } else {
                            unanswered++;
                        }
                    }
                } finally {
                    gate.readLock().unlock();
                }
                if (ok) {
                    sequence++;
                }
                long nanos = (ok ? pause : retryPause).toNanos();
                if (nanos > 0) {
                    LockSupport.parkNanos(nanos);
                }
            }
        }

        synchronized List<Attempt> attempts() {
            return new ArrayList<>(attempts);
        }

        synchronized Attempt firstAcknowledgedAfter(long nanos) {
            for (Attempt a : attempts) {
                if (a.acknowledged() && a.endNanos() >= nanos) {
                    return a;
                }
            }
            return null;
        }

        synchronized Tally tally() {
            return new Tally(channel.protocol(), sent, acknowledged, unanswered, lost, replaysRefused,
                    replaysAccepted, channel.reconnects());
        }
    }
}
