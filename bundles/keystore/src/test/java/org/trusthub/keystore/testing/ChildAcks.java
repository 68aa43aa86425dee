package org.trusthub.keystore.testing;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;

/**
 * The child side of {@link KilledChild}: one line per acknowledgement, written whole and flushed at once to the
 * process's standard output (a line still in a buffer at the kill would count as never acknowledged), and worker
 * threads whose failure is reported as a {@code failed} line the parent turns into a test failure.
 */
public final class ChildAcks {
    /** The line a child prints once it is set up; lines before it are not returned. */
    public static final String READY = "ready";

    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true);

    private ChildAcks() {
    }

    public static void ack(String line) {
        synchronized (OUT) {
            OUT.println(line);
            OUT.flush();
        }
    }

    /** Runs {@code work} on a daemon thread; whatever it throws is printed and acknowledged as {@code failed}. */
    public static void start(Runnable work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                e.printStackTrace();
                ack("failed " + e);
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
