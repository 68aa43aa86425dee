package org.trusthub.binding.zigbee.simulator.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The simulated radio channel between the hub's coordinator and the simulated devices: it carries frame bytes, and
 * nothing else, in both directions. Frames to devices go out on one "air" thread so the ZigBee stack never sees an
 * answer before its own send call has returned.
 * <p>
 * The channel is one medium: a device builds a frame (taking its next NWK frame counter) and transmits it in one
 * step, as a real device's MAC sends its frames in the order it secured them. Without that, an answer built on the
 * air thread and a report built on a caller's thread could reach the hub in the wrong order, and the hub would rightly
 * refuse the older counter as a replay (an answer lost that way held the device's transaction queue for 10 s).
 */
final class SimulatedAir implements AutoCloseable {

    private final Map<Integer, SimulatedDevice> byNwk = new ConcurrentHashMap<>();
    private final Map<Long, SimulatedDevice> byIeee = new ConcurrentHashMap<>();
    private final ExecutorService air = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trusthub-zigbee-simulated-air");
        t.setDaemon(true);
        return t;
    });
    private volatile Predicate<byte[]> coordinator = f -> false;
    private final Object medium = new Object();

    void attachCoordinator(Predicate<byte[]> inbound) {
        this.coordinator = inbound;
    }

    void add(SimulatedDevice d) {
        if (byIeee.putIfAbsent(d.ieee, d) != null) {
            throw new IllegalArgumentException(String.format("simulated device %016x exists", d.ieee));
        }
        byNwk.put(d.nwkAddress, d);
    }

    /** Puts {@code fresh} on the air in the place of {@code gone} (the same IEEE address). */
    void replace(SimulatedDevice gone, SimulatedDevice fresh) {
        if (gone.ieee != fresh.ieee || !byIeee.replace(gone.ieee, gone, fresh)) {
            throw new IllegalArgumentException(String.format("simulated device %016x is not on the air", gone.ieee));
        }
        byNwk.remove(gone.nwkAddress, gone);
        byNwk.put(fresh.nwkAddress, fresh);
    }

    SimulatedDevice device(long ieee) {
        return byIeee.get(ieee);
    }

    Collection<SimulatedDevice> devices() {
        return byIeee.values();
    }

    /**
     * Hub to device, delivered on the air thread; {@code delivered} learns whether a device was there (the APS
     * acknowledgment a real radio would report), then the device's answers go back to the coordinator.
     */
    void send(int nwkAddress, byte[] frame, java.util.function.Consumer<Boolean> delivered) {
        SimulatedDevice d = byNwk.get(nwkAddress);
        air.execute(() -> {
            if (d == null) {
                delivered.accept(false);
                return;
            }
            synchronized (medium) {
                List<byte[]> answers = d.receive(frame);
                delivered.accept(true);
                answers.forEach(coordinator::test);
            }
        });
    }

    /** Work of the coordinator's own firmware (its ZDO answers), in turn with the frames on the air. */
    void local(Runnable work) {
        air.execute(() -> {
            synchronized (medium) {
                work.run();
            }
        });
    }

    /** Hub to device, delivered before returning (key transport, leave); answers go back the same way. */
    void sendNow(int nwkAddress, byte[] frame) {
        SimulatedDevice d = byNwk.get(nwkAddress);
        if (d != null) {
            synchronized (medium) {
                d.receive(frame).forEach(coordinator::test);
            }
        }
    }

    /** Device to hub, built and sent in one turn on the medium; returns whether the hub accepted the frame. */
    boolean fromDevice(Supplier<byte[]> frame) {
        synchronized (medium) {
            return coordinator.test(frame.get());
        }
    }

    @Override
    public void close() {
        air.shutdownNow();
        try {
            air.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
