package org.trusthub.binding.bluetooth.internal.bluez;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.trusthub.testkit.Await;

/**
 * BlueZ played by an independent D-Bus peer: Debian's python3-dbusmock (its bluez5 template, extended with LE
 * pairing, bond files and GATT in bluez_trusthub.py) on a private dbus-daemon. The hub reaches it through bluez-dbus
 * exactly as it reaches bluetoothd on the system bus, only at another bus address.
 *
 * <p>Missing python3-dbusmock or dbus-daemon fails the test (.ci/run installs them) unless the developer opts out
 * with -Dtrusthub.dbusmock=skip. Published with its template in this module's test jar: itests' BluezIT starts the
 * same peer for the distribution.
 */
public final class DbusMockBluez implements AutoCloseable {

    static final String PYTHON = "/usr/bin/python3";
    public static final String ADAPTER_ADDRESS = "00:01:02:03:04:05";

    private final Path dir;
    private final Process daemon;
    private final Process mock;
    private final String address;

    private DbusMockBluez(Path dir, Process daemon, Process mock, String address) {
        this.dir = dir;
        this.daemon = daemon;
        this.mock = mock;
        this.address = address;
    }

    /** Fails (or skips, when opted out) if the peer cannot run here. */
    public static void requireAvailable() {
        assumeTrue(!"skip".equals(System.getProperty("trusthub.dbusmock")),
                "BlueZ D-Bus tests opted out with -Dtrusthub.dbusmock=skip");
        assertTrue(onPath("dbus-daemon") && onPath("dbus-send"), "BlueZ D-Bus tests need dbus-daemon and dbus-send: "
                + "apt-get install dbus (.ci/run does; or run with -Dtrusthub.dbusmock=skip)");
        assertTrue(run(List.of(PYTHON, "-c", "import dbusmock")) == 0, "BlueZ D-Bus tests need Debian's "
                + "python3-dbusmock: apt-get install python3-dbusmock (.ci/run does; or run with "
                + "-Dtrusthub.dbusmock=skip)");
    }

    public static DbusMockBluez start(Path dir) throws Exception {
        requireAvailable();
        // copied out: from the test jar (itests' BluezIT) the template is no file python can load
        Path template = dir.resolve("bluez_trusthub.py");
        try (InputStream in = DbusMockBluez.class.getResourceAsStream("bluez_trusthub.py")) {
            Files.copy(in, template, StandardCopyOption.REPLACE_EXISTING);
        }
        Process daemon = new ProcessBuilder("dbus-daemon", "--session", "--nofork", "--print-address=1",
                "--address=unix:path=" + dir.resolve("bus")).redirectError(dir.resolve("daemon.err").toFile())
                .start();
        String address = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertTrue(address != null && address.startsWith("unix:"), "dbus-daemon gave no address");
        ProcessBuilder pb = new ProcessBuilder(PYTHON, "-m", "dbusmock", "--template", template.toString(), "-p",
                "{\"bonddir\": \"" + dir.resolve("bonds") + "\"}", "-l", dir.resolve("mock.log").toString());
        pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", address);
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("mock.out").toFile());
        Process mock = pb.start();
        DbusMockBluez bluez = new DbusMockBluez(dir, daemon, mock, address);
        // the mock is ready when its Setup answers; one that exits or never comes up fails the test
        try {
            Await.until("the BlueZ mock to answer its Setup", Duration.ofSeconds(15), () -> {
                if (bluez.send("/", "org.trusthub.Test.Setup").exit == 0) {
                    return true;
                }
                if (!mock.isAlive()) {
                    throw new IllegalStateException("the BlueZ mock exited");
                }
                return false;
            }, Boolean.TRUE::equals);
            return bluez;
        } catch (Exception | AssertionError e) {
            bluez.close();
            throw new IllegalStateException("the BlueZ mock did not come up (" + e.getMessage() + "): "
                    + Files.readString(dir.resolve("mock.out")), e);
        }
    }

    public String busAddress() {
        return address;
    }

    public Path bondDirectory() {
        return dir.resolve("bonds");
    }

    public Path bondFile(String device) {
        return bondDirectory().resolve(ADAPTER_ADDRESS).resolve(device).resolve("info");
    }

    /** The mock's log of every method BlueZ was called with (python-dbusmock's own format). */
    public List<String> calls() throws IOException {
        return Files.readAllLines(dir.resolve("mock.log"));
    }

    /** A peripheral's notification: the characteristic's Value changes (if notifications are on). */
    public void notify(String characteristicPath, int... octets) {
        StringBuilder value = new StringBuilder("array:byte:");
        for (int i = 0; i < octets.length; i++) {
            value.append(i > 0 ? "," : "").append(octets[i]);
        }
        Result r = send("/", "org.trusthub.Test.Notify", "objpath:" + characteristicPath, value.toString());
        assertTrue(r.exit == 0, r.output);
    }

    /** A PropertiesChanged signal for a characteristic's Value from another connection than BlueZ's. */
    public Result forgeNotification(String characteristicPath, int... octets) {
        StringBuilder value = new StringBuilder();
        for (int o : octets) {
            value.append(value.length() > 0 ? "," : "").append(o);
        }
        String script = "import dbus, dbus.lowlevel\n"
                + "bus = dbus.bus.BusConnection('" + address + "')\n"
                + "m = dbus.lowlevel.SignalMessage('" + characteristicPath + "', 'org.freedesktop.DBus.Properties',"
                + " 'PropertiesChanged')\n"
                + "m.append('org.bluez.GattCharacteristic1', {'Value': dbus.Array([" + value + "], signature='y')},"
                + " dbus.Array([], signature='s'), signature='sa{sv}as')\n"
                + "bus.send_message(m)\nbus.flush()\n";
        return exec(List.of(PYTHON, "-c", script));
    }

    /** Calls a method the way BlueZ (or anyone on the bus) would, with dbus-send. */
    public Result call(String destination, String path, String method, String... args) {
        List<String> cmd = new ArrayList<>(List.of("dbus-send", "--bus=" + address, "--print-reply",
                "--dest=" + destination, path, method));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    Result send(String path, String method, String... args) {
        return call("org.bluez", path, method, args);
    }

    /** The hub's unique name on this bus, where BlueZ calls its agent. */
    public static String agentName(BluezAdapter adapter) {
        return adapter.busUniqueName();
    }

    public record Result(int exit, String output) {
    }

    private static Result exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    private static int run(List<String> cmd) {
        return exec(cmd).exit;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : List.of(mock, daemon)) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
