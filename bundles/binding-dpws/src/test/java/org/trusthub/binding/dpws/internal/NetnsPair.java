package org.trusthub.binding.dpws.internal;

import java.io.File;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.trusthub.testkit.Await;

/**
 * A veth pair: the hub end stays in this (root) namespace, the peer end goes into a fresh network namespace where
 * a real peer runs. Both ends carry the MULTICAST flag, which loopback lacks, so multicast discovery is real.
 * Needs root and iproute2; everything is removed on close.
 */
final class NetnsPair implements AutoCloseable {

    final String netns;
    final String hubIf;
    final String peerIf;
    final String hubAddress;
    final String peerAddress;

    private NetnsPair(String tag, int subnet) {
        this.netns = "thdpws" + tag;
        this.hubIf = "thh" + tag;
        this.peerIf = "thp" + tag;
        this.hubAddress = "10.231." + subnet + ".1";
        this.peerAddress = "10.231." + subnet + ".2";
    }

    static boolean available() {
        return "root".equals(System.getProperty("user.name")) && new File("/usr/sbin/ip").canExecute()
                || new File("/sbin/ip").canExecute() && "root".equals(System.getProperty("user.name"));
    }

    static NetnsPair create() throws IOException, InterruptedException {
        int n = ThreadLocalRandom.current().nextInt(10, 250);
        NetnsPair p = new NetnsPair(Long.toString(ProcessHandle.current().pid() % 10000) + n, n);
        try {
            p.ip("netns", "add", p.netns);
            p.ip("link", "add", p.hubIf, "type", "veth", "peer", "name", p.peerIf);
            p.ip("link", "set", p.peerIf, "netns", p.netns);
            // Link-local IPv6 addresses are usable at once instead of after duplicate address detection.
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/sys/net/ipv6/conf", p.hubIf, "accept_dad"),
                    "0");
            p.ip("netns", "exec", p.netns, "sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/" + p.peerIf
                    + "/accept_dad");
            p.ip("addr", "add", p.hubAddress + "/24", "dev", p.hubIf);
            p.ip("link", "set", p.hubIf, "multicast", "on", "up");
            p.ip("netns", "exec", p.netns, "ip", "addr", "add", p.peerAddress + "/24", "dev", p.peerIf);
            p.ip("netns", "exec", p.netns, "ip", "link", "set", p.peerIf, "multicast", "on", "up");
            p.ip("netns", "exec", p.netns, "ip", "link", "set", "lo", "up");
            p.awaitLinkLocalAddress();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            p.close();
            throw e;
        }
        return p;
    }

    /*
     * The kernel gives the hub's end its IPv6 link-local address only once the link has carrier, a moment after both
     * ends are up; a NetworkInterface read before that has no IPv6 address and an IPv6-only stack finds nothing to
     * open.
     */
    private void awaitLinkLocalAddress() {
        Await.until(hubIf + " to have an IPv6 link-local address", Duration.ofSeconds(10), this::hasLinkLocalAddress);
    }

    private boolean hasLinkLocalAddress() {
        try {
            NetworkInterface nif = NetworkInterface.getByName(hubIf);
            return nif != null && nif.inetAddresses().anyMatch(a -> a instanceof java.net.Inet6Address);
        } catch (SocketException e) {
            return false;
        }
    }

    NetworkInterface hubInterface() throws SocketException {
        return NetworkInterface.getByName(hubIf);
    }

    /** Starts a command inside the peer's namespace, stdout and stderr merged. */
    Process exec(List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        cmd.addAll(command);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
        }
    }

    @Override
    public void close() {
        try {
            ip("netns", "del", netns);
        } catch (IOException | InterruptedException e) {
            // already gone
        }
        try {
            ip("link", "del", hubIf);
        } catch (IOException | InterruptedException e) {
            // deleting the namespace removed the pair
        }
    }
}
