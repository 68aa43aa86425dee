package org.trusthub.keystore.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The parent side of the crash tests (keystore, registry, offload hub): runs a class's main in a child JVM on the
 * test class path, lets it work {@code runMillis} after it printed {@code ready} (see {@link ChildAcks}), kills it
 * and its descendants with SIGKILL and returns every whole line it printed after {@code ready}: a line the kill cut
 * short was never completely acknowledged. Published in the keystore's test jar so the crash tests of other modules
 * use the same steps.
 */
public final class KilledChild {
    /** SIGKILL's exit status as the JVM reports it (128 + 9). */
    private static final int KILLED = 137;

    private KilledChild() {
    }

    public static List<String> runAndKill(Class<?> main, Path stderr, long runMillis, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        List<String> lines = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                for (int b; (b = in.read()) != -1;) {
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    if (text.equals(ChildAcks.READY)) {
                        ready.countDown();
                    } else {
                        synchronized (lines) {
                            lines.add(text);
                        }
                    }
                }
            } catch (Exception e) {
                synchronized (lines) {
                    lines.add("failed reading: " + e);
                }
            }
        });
        reader.start();
        List<ProcessHandle> descendants = List.of();
        try {
            // a generous bound for a loaded machine; it only keeps a broken child from hanging the build
            if (!ready.await(120, TimeUnit.SECONDS)) {
                fail(main.getSimpleName() + " did not start (" + stderr.getFileName() + "): "
                        + Files.readString(stderr));
            }
            if (!p.isAlive()) {
                fail(main.getSimpleName() + " died (" + stderr.getFileName() + "): " + Files.readString(stderr));
            }
            Thread.sleep(runMillis);
        } finally {
            // taken before the kill: once the child is gone its children are reparented and no longer listed
            descendants = p.toHandle().descendants().toList();
            // ProcessHandle's kill leaves our end of the pipe open (Process.destroyForcibly closes it), so every
            // line the child wrote before it died is still read.
            p.toHandle().destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
            p.waitFor();
            for (ProcessHandle d : descendants) {
                d.onExit().get(60, TimeUnit.SECONDS);
            }
            reader.join();
        }
        assertEquals(KILLED, p.exitValue(), "killed by SIGKILL; stderr: " + Files.readString(stderr));
        for (ProcessHandle d : descendants) {
            assertFalse(d.isAlive(), "descendant " + d.pid() + " of " + main.getSimpleName() + " outlived it");
        }
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }
}
