package org.trusthub.api.console;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A console command's wait on something slow, shown while it lasts and ended by Ctrl-C.
 * <p>
 * The task runs on a thread of its own while the command's thread (the one Karaf interrupts on Ctrl-C) prints what
 * it is doing: one line when it starts, then a progress line every {@code every}. When the command's thread is
 * interrupted, the task's thread is interrupted too and given a moment to end; if the task still completes (it had
 * already got past the point where it could stop), its result is undone, so a cancelled command leaves nothing
 * half-done behind. A task's own exception comes out of {@link #run} unchanged, for the command to report as usual.
 */
public final class Waiting<T> {

    /** The work being waited on. */
    @FunctionalInterface
    public interface Task<T> {
        T call() throws Exception;
    }

    /** How often a progress line is printed unless a command says otherwise. */
    public static final Duration EVERY = Duration.ofSeconds(2);

    /** How long a cancelled task may take to notice before the command returns without it. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private final PrintStream out;
    private final String doing;
    private Duration every = EVERY;
    private Function<Duration, String> progress;
    private Runnable stop = () -> { };
    private Consumer<? super T> undo = r -> { };
    private String cancelled = "nothing was changed";

    private Waiting(PrintStream out, String doing) {
        this.out = Objects.requireNonNull(out);
        this.doing = Objects.requireNonNull(doing);
        this.progress = elapsed -> "still " + lowerFirst(doing) + "… " + elapsed.toSeconds() + " s";
    }

    /** A wait that prints {@code doing} (such as "Scanning for Bluetooth LE devices") on {@code out}. */
    public static <T> Waiting<T> on(PrintStream out, String doing) {
        return new Waiting<>(out, doing);
    }

    /** The progress line, from the time waited so far. */
    public Waiting<T> progress(Function<Duration, String> line) {
        this.progress = Objects.requireNonNull(line);
        return this;
    }

    /** How often the progress line is printed. */
    public Waiting<T> every(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the progress interval must be positive");
        }
        this.every = interval;
        return this;
    }

    /**
     * What else stops the task on Ctrl-C besides the interrupt of its thread (a wait held on another thread, such
     * as a pairing agent's).
     */
    public Waiting<T> stopWith(Runnable alsoStop) {
        this.stop = Objects.requireNonNull(alsoStop);
        return this;
    }

    /**
     * What undoes a result the task delivers after Ctrl-C, and what the console says then (after "Cancelled: ").
     */
    public Waiting<T> onCancel(Consumer<? super T> undoResult, String said) {
        this.undo = Objects.requireNonNull(undoResult);
        this.cancelled = Objects.requireNonNull(said);
        return this;
    }

    /**
     * Runs the task and waits for it, printing progress.
     *
     * @return the task's result, or empty when Ctrl-C ended the wait (the console has said so)
     * @throws Exception what the task threw
     */
    public Optional<T> run(Task<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "trusthub console: " + doing);
        worker.setDaemon(true);
        out.println(doing + " (Ctrl-C to cancel)");
        out.flush();
        long start = System.nanoTime();
        worker.start();
        try {
            while (true) {
                try {
                    return Optional.of(Objects.requireNonNull(result.get(every.toNanos(), TimeUnit.NANOSECONDS),
                            "the task returned null"));
                } catch (TimeoutException e) {
                    out.println("  " + progress.apply(Duration.ofNanos(System.nanoTime() - start)));
                    out.flush();
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        } catch (InterruptedException e) {
            cancel(worker, result);
            return Optional.empty();
        }
    }

    private void cancel(Thread worker, CompletableFuture<T> result) {
        worker.interrupt();
        stop.run();
        // A result that arrives later (the task could not stop in time) is undone when it arrives.
        result.thenAccept(r -> {
            if (r != null) {
                undo.accept(r);
            }
        });
        try {
            worker.join(GRACE.toMillis());
        } catch (InterruptedException again) {
            // A second Ctrl-C: stop waiting for the task; the undo above still runs when it ends.
        }
        out.println("Cancelled: " + cancelled + (worker.isAlive() ? " (the last step ends on its own timeout)" : ""));
        out.flush();
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
