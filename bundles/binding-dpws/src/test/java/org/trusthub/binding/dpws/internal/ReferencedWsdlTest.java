package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.thing.ThingId;

/**
 * A device that gives its WSDL by reference only ({@link ReferencedWsdlDevice}): the hub fetches it from the device's
 * own host, within the size limit and with the device's security, or says why its operations are unknown.
 */
class ReferencedWsdlTest {

    ReferencedWsdlDevice device;
    DpwsStack client;

    @BeforeEach
    void start() throws Exception {
        device = new ReferencedWsdlDevice();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        device.close();
    }

    DpwsStack client(MessageSecurity security) throws Exception {
        DpwsStack.Config c = DpwsStack.Config.loopback("hub-b");
        client = new DpwsStack(new DpwsStack.Config(c.interfaces(), 0, 0, true, false, true, false, "hub-b",
                Duration.ofSeconds(5)), new ThingSource() {
                    @Override
                    public List<ThingId> hosted() {
                        return List.of();
                    }

                    @Override
                    public Optional<String> state(ThingId thing) {
                        return Optional.empty();
                    }
                }, security);
        client.start();
        return client;
    }

    DiscoveredDevice.HostedService describe(DpwsVersion v) throws Exception {
        device.helloTo(client, v);
        DiscoveredDevice d = client.client().fetchMetadata(device.address);
        assertEquals(device.serviceUrl(), d.metadata().services().get(0).address());
        return client.client().serviceOperations(device.address, device.serviceUrl());
    }

    static void echoAndTicked(DiscoveredDevice.HostedService s) {
        assertNull(s.unknown(), s.unknown());
        assertEquals(List.of("Echo", "Ticked"), s.operations().stream().map(Wsdl.Operation::name).toList());
        assertEquals(ReferencedWsdlDevice.ECHO, s.operations().get(0).inputAction());
        assertTrue(s.operations().get(1).isEvent());
    }

    @ParameterizedTest
    @EnumSource(DpwsVersion.class)
    void aWsdlByLocationIsFetchedFromTheDevicesHost(DpwsVersion v) throws Exception {
        client(Policies.plain());
        echoAndTicked(describe(v));
        assertEquals(1, device.wsdlGets.get());
    }

    @ParameterizedTest
    @EnumSource(DpwsVersion.class)
    void aWsdlByMetadataReferenceIsFetchedWithWsTransferGet(DpwsVersion v) throws Exception {
        device.mode = ReferencedWsdlDevice.Mode.REFERENCE;
        client(Policies.plain());
        echoAndTicked(describe(v));
        DiscoveredDevice.HostedService kept = client.client().device(device.address).orElseThrow().metadata()
                .services().get(0);
        assertEquals(2, kept.operations().size(), "the device table keeps the operations read");
    }

    @Test
    void aLocationOnAnotherHostIsNotFetchedAndTheOperationsAreUnknown() throws Exception {
        device.location = "http://localhost:" + device.base().substring(device.base().lastIndexOf(':') + 1) + "/wsdl";
        client(Policies.plain());
        DiscoveredDevice.HostedService s = describe(DpwsVersion.DPWS_2009);
        assertTrue(s.operations().isEmpty());
        assertTrue(s.unknown().contains("not on the device's own host"), s.unknown());
        assertEquals(0, device.wsdlGets.get(), "nothing fetched from another host");
        assertEquals(s.unknown(), client.client().device(device.address).orElseThrow().metadata().services().get(0)
                .unknown(), "the device table says why");
    }

    @Test
    void aReferenceMustNameTheHostPortAndSchemeOfOneOfTheDevicesAddresses() throws Exception {
        DiscoveredDevice d = new DiscoveredDevice("urn:uuid:1", null, DpwsVersion.DPWS_2009, List.of(), List.of(),
                List.of("http://192.0.2.7:5357/dev", "https://192.0.2.7/secure"), 1, java.time.Instant.EPOCH, null,
                null, null);
        assertEquals("/dev.wsdl", ServiceDescriptions.sameHost(d, "http://192.0.2.7:5357/dev.wsdl").getPath());
        assertEquals("/s.wsdl", ServiceDescriptions.sameHost(d, "https://192.0.2.7:443/s.wsdl").getPath());
        for (String elsewhere : List.of("http://192.0.2.7:8181/jolokia", "http://192.0.2.7/dev.wsdl",
                "http://192.0.2.8:5357/dev.wsdl", "http://169.254.169.254/latest", "file:///etc/passwd",
                "https://192.0.2.7:5357/dev.wsdl")) {
            java.io.IOException e = assertThrows(java.io.IOException.class,
                    () -> ServiceDescriptions.sameHost(d, elsewhere), elsewhere);
            assertTrue(e.getMessage().contains("not on the device's own host, port and scheme"), e.getMessage());
        }
    }

    @Test
    void aWsdlOverTheSizeLimitIsRefused() throws Exception {
        device.wsdlPadding = ServiceDescriptions.MAX_WSDL;
        client(Policies.plain());
        DiscoveredDevice.HostedService s = describe(DpwsVersion.DPWS_2009);
        assertTrue(s.operations().isEmpty());
        assertTrue(s.unknown().contains("exceeds the limit of " + ServiceDescriptions.MAX_WSDL), s.unknown());
    }

    /** The policy requires signed messages of the device: a URL carries no signature, a MetadataReference does. */
    @Test
    void underAPolicyThatRequiresSignaturesOnlyAMetadataReferenceIsRead() throws Exception {
        SoapSecurityStub signing = new SoapSecurityStub() {
            @Override
            public Optional<Authenticated> verify(org.w3c.dom.Document envelope, ThingId thing,
                    org.trusthub.api.security.Protection required) {
                return Optional.of(Policies.signature(thing));
            }
        };
        client(Policies.with(() -> signing, Policies.signed()));
        DiscoveredDevice.HostedService s = describe(DpwsVersion.DPWS_2009);
        assertTrue(s.operations().isEmpty());
        assertTrue(s.unknown().contains("carries no WS-Security"), s.unknown());
        assertEquals(0, device.wsdlGets.get());

        device.mode = ReferencedWsdlDevice.Mode.REFERENCE;
        echoAndTicked(client.client().serviceOperations(device.address, device.serviceUrl()));
    }
}
