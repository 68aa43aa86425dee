package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Runs a class's main in a child JVM on the test class path, lets it work {@code runMillis} after it printed
 * {@code ready}, kills it with SIGKILL and returns every whole line it printed after {@code ready} (a line the kill
 * cut short was never completely acknowledged). The same steps as the keystore's and the registry's crash tests,
 * which keep theirs private to their modules.
 */
final class KilledChild {
    private KilledChild() {
    }

    static List<String> runAndKill(Class<?> main, Path stderr, long runMillis, String... args) throws Exception {
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
                    if (text.equals("ready")) {
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
        try {
            // a generous bound for a loaded machine; it only keeps a broken child from hanging the build
            if (!ready.await(120, TimeUnit.SECONDS)) {
                fail("child did not start: " + Files.readString(stderr));
            }
            if (!p.isAlive()) {
                fail("child died: " + Files.readString(stderr));
            }
            Thread.sleep(runMillis);
        } finally {
            // ProcessHandle's kill leaves our end of the pipe open, so every line written before the kill is read.
            p.toHandle().destroyForcibly();
            p.waitFor();
            reader.join();
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL; stderr: " + Files.readString(stderr));
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }
}
