package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.EventingSubscriberTest.NamedSender;
import org.trusthub.binding.dpws.internal.EventingSubscriberTest.Reply;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.testkit.Await;

import com.sun.net.httpserver.HttpServer;

/**
 * The device host asks the policy about every request, whoever makes it: a request that names no thing reads only
 * what the policy grants unauthenticated callers explicitly; a signed caller is held to what the policy requires of
 * its own messages as well as the hosted thing's; and a live subscription is read under the policy in force at each
 * event, ended with a SubscriptionEnd when that no longer grants it.
 */
class RequestPolicyTest {

    static final ThingId LAMP = EventingSubscriberTest.LAMP;
    static final ThingId SENSOR = ThingId.of("sensor-1");
    static final InetAddress LOCAL = EventingSubscriberTest.SUBSCRIBER;

    final AtomicInteger statusReads = new AtomicInteger();
    final Policies.Refusals refusals = new Policies.Refusals();
    Policies policy = Policies.none();
    DpwsStack host;
    HttpServer sink;
    final List<String> received = new CopyOnWriteArrayList<>();

    /** A host of lamp-1 under {@link #policy}; {@code provider} null: no WS-Security provider registered. */
    void start(SoapSecurity provider) throws Exception {
        host = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, false, true, "hub-p",
                Duration.ofSeconds(5)), new ThingSource() {
                    @Override
                    public List<ThingId> hosted() {
                        return List.of(LAMP);
                    }

                    @Override
                    public Optional<String> state(ThingId thing) {
                        statusReads.incrementAndGet();
                        return Optional.of("OPERATIONAL");
                    }
                }, new MessageSecurity(() -> provider, () -> policy, () -> refusals));
        host.start();
    }

    /** An event sink on loopback that records every body POSTed to it. */
    String sink() throws Exception {
        sink = HttpServer.create(new InetSocketAddress(LOCAL, 0), 0);
        sink.createContext("/", x -> {
            received.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            x.sendResponseHeaders(202, -1);
            x.close();
        });
        sink.start();
        return "http://127.0.0.1:" + sink.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
        if (sink != null) {
            sink.stop(0);
        }
    }

    Reply service(String sender, String envelope) throws Exception {
        return EventingSubscriberTest.post(host, host.host().deviceFor(LAMP).servicePath(), LOCAL, envelope);
    }

    static String getStatus(String sender) {
        return EventingSubscriberTest.envelope(DeviceHost.GET_STATUS, sender, null, "<th:GetStatus xmlns:th='"
                + DeviceHost.TH + "'/>");
    }

    @Test
    void anUnauthenticatedReadIsRefusedUnlessThePolicyGrantsItExplicitly() throws Exception {
        // Every authenticated read is granted; none of an unauthenticated caller.
        policy.anonymousReads = Set.of();
        start(null);
        Reply r = service(null, getStatus(null));
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("an unauthenticated caller may not read dpws-state of lamp-1"), r.body());
        r = service(null, EventingSubscriberTest.subscribe(null, "http://127.0.0.1:9/sink", null));
        assertEquals(400, r.status(), r.body());
        assertTrue(host.host().subscriptions().isEmpty(), "an unauthenticated Subscribe was granted");
        r = service(null, EventingSubscriberTest.envelope(DpwsVersion.MEX_GET_METADATA, null, null,
                "<x:GetMetadata xmlns:x='" + DpwsVersion.MEX + "'/>"));
        assertEquals(400, r.status(), r.body());
        r = EventingSubscriberTest.post(host, host.host().deviceFor(LAMP).devicePath(), LOCAL,
                EventingSubscriberTest.envelope(DpwsVersion.WST_GET, null, null, ""));
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("may not read dpws-metadata of lamp-1"), r.body());
        assertEquals(0, statusReads.get(), "GetStatus ran for a caller the policy does not grant");
        assertEquals(List.of("-/dpws/POLICY", "-/dpws/POLICY", "-/dpws/POLICY", "-/dpws/POLICY"), refusals.seen);
        assertEquals(List.of("read - lamp-1 dpws-state", "read - lamp-1 dpws-state", "read - lamp-1 dpws-metadata",
                "read - lamp-1 dpws-metadata"), policy.asked);

        policy.anonymousReads = Set.of(DeviceHost.STATE_PROPERTY);
        assertEquals(200, service(null, getStatus(null)).status());
        assertEquals(1, statusReads.get());
        assertEquals(400, EventingSubscriberTest.post(host, host.host().deviceFor(LAMP).devicePath(), LOCAL,
                EventingSubscriberTest.envelope(DpwsVersion.WST_GET, null, null, "")).status(),
                "a grant of dpws-state let metadata through");
    }

    @Test
    void aSignedCallerIsHeldToWhatThePolicyRequiresOfItsOwnMessages() throws Exception {
        // The hosted lamp requires nothing; the sensor's messages must be encrypted. Its signed-only request is
        // below that.
        Function<ThingId, Protection> rule = t -> t.equals(SENSOR) ? Protection.confidentiality().endToEnd()
                : Protection.NONE;
        policy = new Policies(rule);
        start(new NamedSender());
        Reply r = service(SENSOR.value(), getStatus(SENSOR.value()));
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("the security policy requires confidentiality/end-to-end of what sensor-1"),
                r.body());
        assertEquals(0, statusReads.get());
        assertEquals(List.of("sensor-1/dpws/POLICY"), refusals.seen);
        assertEquals(List.of(), policy.asked, "authorization ran for a request below its sender's requirement");

        // A caller the policy requires no more of than it signed gets its answer.
        assertEquals(200, service("client-hub", getStatus("client-hub")).status());
        assertEquals(1, statusReads.get());
    }

    @Test
    void aCallerRequirementNoStrongerThanTheHostedThingsIsMetAsTheProviderJudgedIt() throws Exception {
        // The provider accepted the request as meeting the hosted lamp's requirement (by its own reading: a signed
        // request with an empty Body has nothing to encrypt); the caller's equal requirement is met the same way,
        // whatever protection label the principal carries.
        Function<ThingId, Protection> rule = t -> Protection.confidentiality().endToEnd();
        policy = new Policies(rule);
        start(new NamedSender());
        Reply r = service(SENSOR.value(), getStatus(SENSOR.value()));
        assertEquals(200, r.status(), r.body());
        assertEquals(List.of(), refusals.seen);
    }

    @Test
    void aSubscriptionThePolicyNoLongerGrantsIsEndedAtTheNextEvent() throws Exception {
        policy.anonymousReads = Set.of(DeviceHost.STATE_PROPERTY);
        start(new NamedSender());
        String base = sink();
        assertEquals(200, service(null, EventingSubscriberTest.subscribe(null, base + "/anonymous", base
                + "/anonymous-end")).status());
        assertEquals(200, service("client-hub", EventingSubscriberTest.subscribe("client-hub", base + "/signed",
                base + "/signed-end")).status());
        assertEquals(2, host.host().subscriptions().size());

        // Still granted: both get the event.
        List<CompletableFuture<Boolean>> sent = host.host().stateChanged(LAMP, "SUSPENDED");
        assertEquals(2, sent.size());
        for (CompletableFuture<Boolean> f : sent) {
            assertTrue(f.get());
        }

        // The operator takes the unauthenticated grant away: that subscription ends, the signed one goes on.
        policy.anonymousReads = Set.of();
        refusals.seen.clear();
        received.clear();
        sent = host.host().stateChanged(LAMP, "OPERATIONAL");
        assertEquals(1, sent.size(), "an event went to a subscriber the policy no longer grants");
        assertTrue(sent.get(0).get());
        assertEquals(1, host.host().subscriptions().size());
        assertEquals(Optional.of(ThingId.of("client-hub")), host.host().subscriptions().get(0).subscriber().thing());
        String end = Await.until("the SubscriptionEnd", Duration.ofSeconds(5), () -> received.stream()
                .filter(b -> b.contains("SubscriptionEnd")).findFirst().orElse(null), java.util.Objects::nonNull);
        assertTrue(end.contains("SourceCancelling"), end);
        assertTrue(end.contains("the security policy no longer lets 127.0.0.1 read dpws-state of lamp-1"), end);
        assertEquals(List.of("-/dpws/POLICY"), refusals.seen);

        // And the signed one too, once its grant goes.
        policy.grants = false;
        assertEquals(List.of(), host.host().stateChanged(LAMP, "SUSPENDED"));
        assertTrue(host.host().subscriptions().isEmpty());
    }
}
