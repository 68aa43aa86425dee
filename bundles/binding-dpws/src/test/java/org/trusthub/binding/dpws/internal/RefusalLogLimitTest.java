package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.SecuritySeamTest.MarkerSecurity;

/** What an unauthenticated client sends again and again is reported once a minute per reason, not per request. */
class RefusalLogLimitTest {

    static final ThingId LAMP = SecuritySeamTest.LAMP;

    @Test
    void aServiceFailingForUnauthenticatedCallersIsReportedOnce() throws Throwable {
        org.trusthub.binding.dpws.spi.HostedService failing = new org.trusthub.binding.dpws.spi.HostedService() {
            @Override
            public String name() {
                return "sts";
            }

            @Override
            public javax.xml.namespace.QName serviceType() {
                return new javax.xml.namespace.QName("urn:test", "Sts");
            }

            @Override
            public java.util.Set<String> actions() {
                return java.util.Set.of("urn:test:Issue");
            }

            @Override
            public HostedResponse invoke(org.trusthub.binding.dpws.spi.HostedRequest request) {
                throw new IllegalStateException("bug");
            }
        };
        SoapMessage call = SoapMessage.create(DpwsVersion.DPWS_2009, "urn:test:Issue", "urn:x", "urn:uuid:1");
        DeviceHost.Hosted h = new DeviceHost.Hosted(LAMP, java.util.UUID.randomUUID());
        String text = logged(() -> {
            for (int i = 0; i < 500; i++) {
                assertThrows(ContributedCall.Refused.class, () -> ContributedCall.call(failing, h, call,
                        Optional.empty(), "http://127.0.0.1:1"));
            }
        });
        // At most one: the limit is shared by every call in this JVM, and an earlier test may have used it.
        long lines = text.lines().filter(l -> l.contains("failed on")).count();
        org.junit.jupiter.api.Assertions.assertTrue(lines <= 1, text);
    }

    /** What slf4j-simple (writing to System.err) says while {@code r} runs. */
    static String logged(org.junit.jupiter.api.function.Executable r) throws Throwable {
        PrintStream stderr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            r.execute();
        } finally {
            System.setErr(stderr);
        }
        return logs.toString(StandardCharsets.UTF_8);
    }

    @Test
    void refusedRequestsAreReportedOncePerReason() throws Exception {
        DpwsStack host = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, false, true, "h",
                Duration.ofSeconds(5)), new ThingSource() {
                    @Override
                    public List<ThingId> hosted() {
                        return List.of(LAMP);
                    }

                    @Override
                    public Optional<String> state(ThingId thing) {
                        return Optional.of("OPERATIONAL");
                    }
                }, Policies.with(() -> new MarkerSecurity("good"), Policies.signed()));
        PrintStream stderr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        // slf4j-simple writes to System.err: keep a copy of what this test makes it say.
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            host.start();
            String service = host.host().deviceFor(LAMP).servicePath();
            byte[] unsigned = ("<s:Envelope xmlns:s='" + DpwsVersion.SOAP + "' xmlns:a='" + DpwsVersion.DPWS_2009.wsa
                    + "'><s:Header><a:Action>" + DeviceHost.GET_STATUS + "</a:Action></s:Header><s:Body/>"
                    + "</s:Envelope>").getBytes(StandardCharsets.UTF_8);
            byte[] malformed = "<not-soap/>".getBytes(StandardCharsets.UTF_8);
            InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), host.httpPort());
            for (int i = 0; i < 500; i++) {
                InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000 + i);
                assertEquals(400, host.onHttp(service, unsigned, peer, local).status());
                assertEquals(400, host.onHttp(service, malformed, peer, local).status());
            }
        } finally {
            System.setErr(stderr);
            host.close();
        }
        String text = logs.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().filter(l -> l.contains("refused a") && l.contains("GetStatus")).count(), text);
        assertEquals(1, text.lines().filter(l -> l.contains("refused an HTTP request")).count(), text);
    }
}
