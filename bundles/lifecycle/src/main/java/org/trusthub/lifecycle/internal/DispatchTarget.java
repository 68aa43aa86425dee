package org.trusthub.lifecycle.internal;

import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.thing.ThingId;

/**
 * One binding or provider the dispatcher tells about things, with its own serial lane: calls to it run in the order
 * they were decided, and a slow or hung one holds up only itself.
 *
 * @param <S> the service type
 */
final class DispatchTarget<S> {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchTarget.class);

    private final S service;
    private final String name;
    private final ExecutorService lane;
    private final LogLimiter failures;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    /**
     * @param failures shared by the dispatcher's targets: a broken service fails on every thing, and each failure
     *                 would otherwise be a line
     */
    DispatchTarget(S service, String name, ExecutorService lane, LogLimiter failures) {
        this.service = service;
        this.name = name;
        this.lane = lane;
        this.failures = failures;
    }

    S service() {
        return service;
    }

    String name() {
        return name;
    }

    /**
     * Queues one call on this target's lane, unless the same action for the thing is queued and not started yet. A
     * failure of the call is logged (rate-limited, without its stack) and never reaches another target; a target
     * already removed is not called.
     */
    void submit(String action, ThingId thing, Consumer<S> call) {
        String key = action + " " + thing.value();
        // The same call queued and not started yet does it all: a slow or hung target's lane then holds at most one
        // call per thing and action, whatever the number of events.
        if (!queued.add(key)) {
            return;
        }
        try {
            lane.execute(() -> run(key, action, thing, call));
        } catch (RejectedExecutionException e) {
            queued.remove(key);
            // Removed (or the dispatcher stopped) since the decision: it is no longer to be told.
        }
    }

    private void run(String key, String action, ThingId thing, Consumer<S> call) {
        // Before the call: a change during it queues the call again.
        queued.remove(key);
        try {
            call.accept(service);
        } catch (RuntimeException | LinkageError e) {
            OptionalLong leftOut = failures.admit(name + " " + action);
            if (leftOut.isPresent()) {
                LOG.warn("{} failed to {} thing {}: {} ({} similar failures left out)", name, action, thing,
                        e.toString(), leftOut.getAsLong());
            }
        }
    }

    /** Stops the lane: queued calls are dropped, a running one is interrupted. */
    void stop() {
        lane.shutdownNow();
    }
}
