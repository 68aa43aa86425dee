package org.trusthub.demo.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.trusthub.api.thing.ThingId;

/**
 * The demo's SIMULATED CoAP thermostat: a separate CoAP endpoint on loopback that talks to the hub as a device
 * would, over DTLS 1.2 with its PSK (identity its thing id, key derived for it as for every CoAP thing). It registers
 * with the hub's resource directory and writes its temperature to {@code /things/<id>/temperature}.
 */
final class SimulatedCoapThing implements AutoCloseable {

    private static final long TIMEOUT_MILLIS = 5000L;

    private final ThingId thing;
    private final String hub;
    private final CoapEndpoint endpoint;
    private final CoapClient client;

    /**
     * @param psk the thing's DTLS PSK; the caller wipes its copy, the connector keeps its own
     */
    SimulatedCoapThing(ThingId thing, String pskIdentity, byte[] psk, InetSocketAddress hubDtls) {
        this.thing = thing;
        this.hub = "coaps://" + hubDtls.getAddress().getHostAddress() + ":" + hubDtls.getPort();
        Configuration c = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS, DtlsConfig.DEFINITIONS);
        c.set(DtlsConfig.DTLS_ROLE, DtlsRole.CLIENT_ONLY);
        c.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
        c.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 500, TimeUnit.MILLISECONDS);
        DTLSConnector connector = new DTLSConnector(DtlsConnectorConfig.builder(c)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setAdvancedPskStore(new AdvancedSinglePskStore(pskIdentity, psk))
                .build());
        this.endpoint = new CoapEndpoint.Builder().setConnector(connector).setConfiguration(c).build();
        this.client = new CoapClient();
        client.setEndpoint(endpoint);
        client.setTimeout(TIMEOUT_MILLIS);
    }

    /** Registers with the hub's resource directory; throws when the hub does not take it. */
    void register() throws Exception {
        Request register = Request.newPost();
        register.setURI(hub + "/rd?ep=" + thing.value());
        register.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_LINK_FORMAT);
        register.setPayload("</temperature>;rt=\"temperature-c\"");
        expectSuccess("registration", client.advanced(register));
    }

    /** Writes the thermostat's measurement to the hub. */
    void report(double celsius) throws Exception {
        Request put = Request.newPut();
        put.setURI(hub + "/things/" + thing.value() + "/temperature");
        put.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        put.setPayload(String.format(Locale.ROOT, "%.1f", celsius));
        expectSuccess("temperature report", client.advanced(put));
    }

    private void expectSuccess(String what, CoapResponse response) {
        if (response == null) {
            throw new IllegalStateException(thing + ": no answer from the hub to the " + what);
        }
        if (!response.isSuccess()) {
            throw new IllegalStateException(thing + ": the hub refused the " + what + " (" + response.getCode() + ")");
        }
    }

    @Override
    public void close() {
        client.shutdown();
        endpoint.destroy();
    }
}
