package org.trusthub.itests;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.trusthub.testkit.Await;
import org.trusthub.testkit.FreePorts;

/**
 * The hub distribution this build made, unpacked under {@code target/<name>} and started as an operator starts it
 * ({@code bin/karaf server}), for tests that talk to it from outside: a browser, an HTTP client, the console client.
 * Ports are free ones; two accounts are added to {@code etc/users.properties} ({@link #ADMIN}, {@link #VIEWER}).
 */
final class HubProcess implements AutoCloseable {

    static final String ADMIN = "webadmin";
    static final String ADMIN_PASSWORD = "admin-" + Long.toHexString(System.nanoTime());
    static final String VIEWER = "webviewer";
    static final String VIEWER_PASSWORD = "viewer-" + Long.toHexString(System.nanoTime());

    final Path home;
    final int webPort;
    final int sshPort;
    private final Process process;
    final Path log;

    private HubProcess(Path home, int webPort, int sshPort, Process process, Path log) {
        this.home = home;
        this.webPort = webPort;
        this.sshPort = sshPort;
        this.process = process;
        this.log = log;
    }

    /** Unpacks and starts the hub with these features booted after its own, and waits for the web server. */
    static HubProcess boot(String name, List<String> features) throws Exception {
        return boot(name, features, true);
    }

    /** As {@link #boot(String, List)}; without {@code accounts} the hub has none, as shipped. */
    static HubProcess boot(String name, List<String> features, boolean accounts) throws Exception {
        Path base = Path.of("target", name).toAbsolutePath();
        delete(base);
        Files.createDirectories(base);
        run(base, "tar", "xzf", new File(required("trusthub.distribution")).getAbsolutePath(), "-C",
                base.toString());
        Path home;
        try (Stream<Path> s = Files.list(base)) {
            home = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path etc = home.resolve("etc");
        Path featuresCfg = etc.resolve("org.apache.karaf.features.cfg");
        String boot = HubOptions.bootFeatures(new File(required("trusthub.distribution")));
        set(featuresCfg, "featuresBoot", "(" + boot + "), " + String.join(", ", features));
        int webPort = FreePorts.tcp();
        int sshPort = FreePorts.tcp();
        Files.writeString(etc.resolve("org.trusthub.web.cfg"), "address = 127.0.0.1\nport = " + webPort + "\n");
        set(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort", Integer.toString(sshPort));
        set(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort", Integer.toString(FreePorts.tcp()));
        set(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort", Integer.toString(FreePorts.tcp()));
        // The hub ships no account; the tests add theirs as an operator would (README, "Dashboard and REST API").
        if (accounts) {
            Files.writeString(etc.resolve("users.properties"), "\n" + ADMIN + " = " + ADMIN_PASSWORD
                    + ",_g_:admingroup\n" + VIEWER + " = " + VIEWER_PASSWORD + ",viewer\n",
                    java.nio.file.StandardOpenOption.APPEND);
        }
        Path log = base.resolve("console.log");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("KARAF_DEBUG");
        Process process = pb.start();
        HubProcess hub = new HubProcess(home, webPort, sshPort, process, log);
        try {
            HttpClient http = HttpClient.newHttpClient();
            Await.until("the hub's web server on port " + webPort, Duration.ofMinutes(4), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the hub exited: see " + log);
                }
                return http.send(HttpRequest.newBuilder(hub.uri("/api/openapi.json")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            }, status -> status == 200, e -> e instanceof IOException);
        } catch (Exception | AssertionError e) {
            hub.close();
            throw e;
        }
        return hub;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + webPort + path);
    }

    /** What the hub printed on its console (standard output and error) so far. */
    String consoleOutput() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The hub's log so far. */
    String karafLog() throws IOException {
        Path f = home.resolve("data/log/karaf.log");
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    /**
     * Runs console commands through Karaf's own client ({@code bin/client -b}, commands on standard input) as the
     * admin account, and returns what they printed.
     */
    String console(String... commands) throws Exception {
        Path in = Files.createTempFile(home, "commands", ".txt");
        Files.writeString(in, String.join("\n", commands) + "\n");
        Path out = Files.createTempFile(home, "console", ".out");
        Process p = new ProcessBuilder(home.resolve("bin/client").toString(), "-a", Integer.toString(sshPort), "-h",
                "127.0.0.1", "-u", ADMIN, "-p", ADMIN_PASSWORD, "-r", "30", "-d", "2", "-b").directory(home.toFile())
                .redirectInput(in.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("bin/client did not finish: " + Files.readString(out));
        }
        String printed = Files.readString(out);
        if (p.exitValue() != 0) {
            throw new AssertionError("bin/client exited " + p.exitValue() + ": " + printed);
        }
        return printed;
    }

    @Override
    public void close() throws Exception {
        ProcessHandle handle = process.toHandle();
        List<ProcessHandle> all = Stream.concat(handle.descendants(), Stream.of(handle)).toList();
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                h.destroyForcibly();
            }
        }
    }

    private static void set(Path cfg, String key, String value) throws IOException {
        String text = Files.readString(cfg, StandardCharsets.UTF_8);
        // A key's value may go on over continuation lines (ending in a backslash): replace them all.
        Pattern p = Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s*=(?:[^\\n]*\\\\\\n)*[^\\n]*$");
        Matcher m = p.matcher(text);
        String line = key + " = " + value.replace("\\", "\\\\");
        text = m.find() ? text.substring(0, m.start()) + line + text.substring(m.end()) : text + "\n" + line + "\n";
        Files.writeString(cfg, text, StandardCharsets.UTF_8);
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run through Maven");
        }
        return value;
    }
}
