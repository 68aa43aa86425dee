package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.xml.namespace.QName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;
import org.trusthub.testkit.Await;

/**
 * Interoperation with Debian's wsdd (WS-Discovery 2005 / DPWS 2006, written by others), over real IPv4 multicast
 * on a veth pair: the hub end in this namespace, wsdd in its own namespace. Needs root, iproute2 and wsdd
 * (.ci/run installs them); skipped otherwise.
 */
class WsddInteropTest {

    static final String WSDD = "/usr/sbin/wsdd";
    static final ThingId LAMP = ThingId.of("lamp-kitchen-1");

    /**
     * Requires nothing and grants only what wsdd needs: unsigned reads of a hosted device's metadata
     * ({@code read - * dpws-metadata}); Probe and Resolve need no rule.
     */
    static final Policies METADATA_ONLY = metadataOnly();

    static Policies metadataOnly() {
        Policies p = Policies.none();
        p.grants = false;
        p.anonymousReads = java.util.Set.of(DeviceHost.METADATA_PROPERTY);
        return p;
    }

    NetnsPair net;
    Process wsdd;
    final List<String> wsddLog = new CopyOnWriteArrayList<>();
    DpwsStack stack;

    @BeforeEach
    void network() throws Exception {
        // The interop check must not pass by being skipped: without its peer it fails, unless the developer opts out
        // explicitly (-Dtrusthub.wsdd=skip) on a machine where it cannot run.
        boolean optedOut = "skip".equals(System.getProperty("trusthub.wsdd"));
        assumeTrue(!optedOut, "wsdd interop opted out with -Dtrusthub.wsdd=skip");
        assertTrue(NetnsPair.available(), "wsdd interop needs root and iproute2 for network namespaces"
                + " (.ci/run installs iproute2; or run with -Dtrusthub.wsdd=skip)");
        assertTrue(new File(WSDD).exists(), "wsdd interop needs Debian's wsdd: apt-get install wsdd"
                + " (.ci/run does; or run with -Dtrusthub.wsdd=skip)");
        net = NetnsPair.create();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (wsdd != null) {
            wsdd.destroy();
            if (!wsdd.waitFor(5, TimeUnit.SECONDS)) {
                wsdd.destroyForcibly();
            }
        }
        if (net != null) {
            net.close();
        }
    }

    void startWsdd(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/python3", WSDD, "-4", "-v", "-i",
                net.peerIf));
        cmd.addAll(List.of(args));
        wsdd = net.exec(cmd);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(wsdd.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    wsddLog.add(l);
                }
            } catch (java.io.IOException e) {
                // process ended
            }
        }, "wsdd-log");
        t.setDaemon(true);
        t.start();
    }

    /** The first line wsdd logged that holds {@code fragment}; fails with wsdd's log when none does in time. */
    String awaitWsdd(String fragment, Duration wait) throws Exception {
        try {
            return Await.until("wsdd to log '" + fragment + "'", wait,
                    () -> wsddLog.stream().filter(l -> l.contains(fragment)).findFirst().orElse(null),
                    java.util.Objects::nonNull);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; wsdd log:\n" + String.join("\n", wsddLog), e);
        }
    }

    DpwsStack hub(boolean client, boolean host) throws Exception {
        return hub(client, host, true, false);
    }

    DpwsStack hub(boolean client, boolean host, boolean ipv4, boolean ipv6) throws Exception {
        ThingSource things = new ThingSource() {
            @Override
            public List<ThingId> hosted() {
                return List.of(LAMP);
            }

            @Override
            public Optional<String> state(ThingId thing) {
                return Optional.of("OPERATIONAL");
            }
        };
        DpwsStack s = new DpwsStack(new DpwsStack.Config(List.of(net.hubInterface()), UdpTransport.DEFAULT_PORT, 0,
                ipv4, ipv6, client, host, "hub-interop", Duration.ofSeconds(5)), things,
                new MessageSecurity(() -> null, () -> METADATA_ONLY, () -> null));
        s.start();
        return s;
    }

    @Test
    void wsddInDiscoveryModeFindsTheHostedThingAndReadsItsMetadata() throws Exception {
        stack = hub(false, true);
        startWsdd("-D", "-o");
        // wsdd probes by multicast (after a random start delay up to 3 s), the hub answers with a ProbeMatch
        // whose XAddrs face wsdd, and wsdd reads ThisDevice with WS-Transfer Get: its FriendlyName is the thing id.
        String line = awaitWsdd("discovered " + LAMP.value() + " on " + net.hubAddress, Duration.ofSeconds(20));
        assertNotNull(line, "wsdd never reported the hub's device; its log:\n" + String.join("\n", wsddLog));
    }

    @Test
    void wsddInDiscoveryModeReadsTheHostedThingAfterItsMulticastHello() throws Exception {
        startWsdd("-D", "-o");
        assertNotNull(awaitWsdd("joined multicast group", Duration.ofSeconds(10)), String.join("\n", wsddLog));
        // wsdd's own start-up probe (up to 3 s in) must not be what finds the hub: wait it out, then start the hub.
        Thread.sleep(4000);
        stack = hub(false, true);
        String address = stack.host().deviceFor(LAMP).address();
        assertNotNull(awaitWsdd("Hello from " + address, Duration.ofSeconds(10)),
                "wsdd saw no Hello; its log:\n" + String.join("\n", wsddLog));
        assertNotNull(awaitWsdd("discovered " + LAMP.value() + " on " + net.hubAddress, Duration.ofSeconds(10)),
                "wsdd did not read the metadata; its log:\n" + String.join("\n", wsddLog));
    }

    @Test
    void overIpv6LinkLocalMulticastWsddFindsTheHubAndTheHubFindsWsdd() throws Exception {
        stack = hub(true, true, false, true);
        List<String> cmd = List.of("/usr/bin/python3", WSDD, "-6", "-v", "-i", net.peerIf, "-D", "-n", "v6host");
        wsdd = net.exec(cmd);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(wsdd.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    wsddLog.add(l);
                }
            } catch (java.io.IOException e) {
                // process ended
            }
        }, "wsdd-log");
        t.setDaemon(true);
        t.start();
        // FF02::C: wsdd probes, the hub answers with an XAddr on its link-local address, wsdd reads the metadata.
        assertNotNull(awaitWsdd("discovered " + LAMP.value() + " on [fe80::", Duration.ofSeconds(20)),
                "wsdd did not find the hub over IPv6; its log:\n" + String.join("\n", wsddLog));
        // wsdd's host side (without -o) announced itself by Hello on FF02::C; the hub probes anyway.
        List<DiscoveryMessage.Endpoint> found = stack.client().probe(List.of(), null, Duration.ofSeconds(3));
        DiscoveryMessage.Endpoint host = found.stream()
                .filter(e -> e.types().contains(new QName(DpwsVersion.DPWS_2006.dpws, "Device"))).findFirst()
                .orElse(null);
        assertNotNull(host, "probe over IPv6 found " + found + "; wsdd log:\n" + String.join("\n", wsddLog));
        Optional<DiscoveryMessage.Endpoint> resolved = stack.client().resolve(host.address(), null,
                Duration.ofSeconds(3));
        assertTrue(resolved.isPresent());
        assertTrue(resolved.get().xaddrs().get(0).startsWith("http://[fe80::"), resolved.get().xaddrs().toString());
    }

    @Test
    void theHubProbesResolvesAndReadsAWsddHost() throws Exception {
        stack = hub(true, false);
        startWsdd("-n", "interophost", "-w", "TESTGROUP");
        assertNotNull(awaitWsdd("joined multicast group", Duration.ofSeconds(10)), String.join("\n", wsddLog));
        // Multicast Probe for wsdp:Device (2006) and dpws:Device (2009); wsdd answers the first without XAddrs.
        // Probed again until wsdd, which has just joined the group, answers.
        DiscoveryMessage.Endpoint wsddHost = Await.until("wsdd to answer a Probe", Duration.ofSeconds(15),
                () -> stack.client().probe(List.of(), null, Duration.ofSeconds(3)).stream()
                        .filter(e -> e.types().contains(new QName(DpwsVersion.DPWS_2006.dpws, "Device")))
                        .findFirst().orElse(null), java.util.Objects::nonNull);
        assertTrue(wsddHost.types().contains(new QName("http://schemas.microsoft.com/windows/pub/2005/07",
                "Computer")));
        assertEquals(DpwsVersion.DPWS_2006, stack.client().device(wsddHost.address()).orElseThrow().version());

        Optional<DiscoveryMessage.Endpoint> resolved = stack.client().resolve(wsddHost.address(), null,
                Duration.ofSeconds(3));
        assertTrue(resolved.isPresent(), "no ResolveMatch; wsdd log:\n" + String.join("\n", wsddLog));
        assertTrue(resolved.get().xaddrs().get(0).startsWith("http://" + net.peerAddress + ":5357/"),
                resolved.get().xaddrs().toString());

        DiscoveredDevice d = stack.client().fetchMetadata(wsddHost.address());
        assertEquals("WSD Device interophost", d.metadata().friendlyName());
        assertEquals("wsdd", d.metadata().manufacturer());
        assertEquals("wsdd", d.metadata().modelName());
    }

    @Test
    void theHubLearnsOfAWsddHostFromItsMulticastHello() throws Exception {
        stack = hub(true, false);
        startWsdd("-n", "hellohost");
        DiscoveredDevice d = Await.until("wsdd's Hello", Duration.ofSeconds(10),
                () -> stack.client().devices().stream().findFirst().orElse(null), java.util.Objects::nonNull);
        assertTrue(d.xaddrs().get(0).startsWith("http://" + net.peerAddress + ":5357/"), d.xaddrs().toString());
        assertEquals("WSD Device hellohost", stack.client().fetchMetadata(d.address()).metadata().friendlyName());
    }
}
