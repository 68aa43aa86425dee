package org.trusthub.benchmarks.coap;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.trusthub.api.thing.ThingId;

/**
 * What the hub keeps per OSCORE request: clients send {@code GET /hub} under OSCORE one request after the other, and
 * at every checkpoint the run prints the requests per second since the last one and the used heap after GC. A hub
 * whose per-request cost is constant shows a flat rate and a flat heap.
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.trusthub.benchmarks.coap.OscoreHeapRun [requests] [clients]
 * [checkpoint] [maxSeconds] [settleSeconds]}; stops at {@code requests} or after {@code maxSeconds}, whichever comes
 * first, then waits {@code settleSeconds} (260 outlasts the hub's deduplication, 247 s) and prints the heap the hub
 * still holds: what it keeps for good.
 */
public final class OscoreHeapRun {
    private OscoreHeapRun() {
    }

    public static void main(String[] args) throws Exception {
        long requests = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long checkpoint = args.length > 2 ? Long.parseLong(args[2]) : 100_000;
        long maxSeconds = args.length > 3 ? Long.parseLong(args[3]) : 900;
        long settleSeconds = args.length > 4 ? Long.parseLong(args[4]) : 0;
        CoapLoadRun hub = new CoapLoadRun(Files.createTempDirectory("trusthub-oscore-heap"), 0, clients);
        try {
            run(hub, requests, clients, checkpoint, maxSeconds, settleSeconds);
        } finally {
            hub.close();
        }
        System.exit(0);
    }

    private static void run(CoapLoadRun hub, long requests, int clients, long checkpoint, long maxSeconds,
            long settleSeconds) throws Exception {
        List<CoapLoadRun.Client> cs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            CoapLoadRun.Client c = hub.oscoreClient(hub.plainPort(), hub.operational("heap-" + i), null);
            if (!c.call()) {
                throw new IllegalStateException("first request failed");
            }
            cs.add(c);
        }
        long base = usedHeapAfterGc();
        System.out.printf("OSCORE heap run: %d requests, %d clients, JDK %s; heap after GC at start %.1f MB%n",
                requests, clients, System.getProperty("java.version"), base / 1e6);
        AtomicLong issued = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        long done = 0;
        long start = System.nanoTime();
        while (done < requests && System.nanoTime() < deadline) {
            long target = Math.min(requests, done + checkpoint);
            long t0 = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (CoapLoadRun.Client c : cs) {
                Thread t = new Thread(() -> {
                    while (issued.incrementAndGet() <= target && System.nanoTime() < deadline) {
                        if (!c.call()) {
                            failed.incrementAndGet();
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            long reached = Math.min(target, issued.get() - clients);
            issued.set(reached);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long heap = usedHeapAfterGc();
            System.out.printf("%,10d requests  %7.0f requests/s  heap %7.1f MB (+%.1f MB, %.1f bytes/request)  "
                    + "%d failed  %.0f s%n", reached, (reached - done) / seconds, heap / 1e6, (heap - base) / 1e6,
                    (double) (heap - base) / reached, failed.get(), (System.nanoTime() - start) / 1e9);
            histogram();
            done = reached;
        }
        cs.forEach(CoapLoadRun.Client::close);
        if (settleSeconds > 0) {
            Thread.sleep(settleSeconds * 1000);
            long heap = usedHeapAfterGc();
            System.out.printf("after %d s idle: heap %7.1f MB (+%.1f MB over the start, %.1f bytes/request)%n",
                    settleSeconds, heap / 1e6, (heap - base) / 1e6, (double) (heap - base) / done);
            histogram();
        }
    }

    /**
     * Where the heap goes, from this JVM's own class histogram ({@code jcmd}): CoAP tokens the hub and the things
     * keep, and exchanges (the hub's deduplication keeps each for the exchange lifetime, 247 s, as any CoAP server).
     */
    private static void histogram() throws Exception {
        Process p = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        try (java.io.BufferedReader r = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            r.lines().filter(l -> l.endsWith(" org.eclipse.californium.core.coap.Token")
                    || l.endsWith(" org.eclipse.californium.core.network.Exchange"))
                    .forEach(l -> System.out.println("            histogram:" + l.substring(l.indexOf(':') + 1)));
        }
        p.waitFor();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
