package org.trusthub.testkit.coap;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.DTLSSession;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.trusthub.testkit.load.LoadChannel;
import org.trusthub.testkit.load.NonceLedger;

/**
 * A thing writing one of its values to the hub over DTLS with its PSK ({@code PUT /things/<thing>/<value>}), and
 * reading it back. When an answer does not come, it handshakes again with the next message, as a device does when
 * the hub no longer knows its session. Each new session's id goes into the ledger.
 */
public final class DtlsValueChannel implements LoadChannel {

    private final String thing;
    private final String path;
    private final InetSocketAddress hub;
    private final String identity;
    private final byte[] psk;
    private DTLSConnector connector;
    private CoapEndpoint endpoint;
    private CoapClient client;
    private final NonceLedger ledger;
    private final AtomicLong reconnects = new AtomicLong();
    private volatile String session;
    /** Messages in a row the hub did not answer. */
    private int failures;

    /**
     * @param hub      the hub's DTLS port
     * @param identity the PSK identity the hub knows the thing by
     * @param psk      the pre-shared key
     * @param value    the name of the value the thing writes
     */
    public DtlsValueChannel(InetSocketAddress hub, String thing, String identity, byte[] psk, String value,
            NonceLedger ledger) {
        this.thing = thing;
        this.hub = hub;
        this.ledger = ledger;
        this.path = "/things/" + thing + "/" + value;
        this.identity = identity;
        this.psk = psk.clone();
        connect();
    }

    /** A new DTLS stack: its first message handshakes. */
    private void connect() {
        Configuration config = CoapValues.configuration();
        connector = new DTLSConnector(DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, psk)).build());
        endpoint = new CoapEndpoint.Builder().setConnector(connector).setConfiguration(config).build();
        client = new CoapClient("coaps://" + hub.getAddress().getHostAddress() + ":" + hub.getPort() + path);
        client.setEndpoint(endpoint);
        client.setTimeout(CoapValues.TIMEOUT_MILLIS);
    }

    @Override
    public String protocol() {
        return "coap-dtls";
    }

    @Override
    public String thing() {
        return thing;
    }

    @Override
    public boolean send(long sequence) throws Exception {
        CoapResponse response;
        try {
            response = client.put(CoapValues.payload(sequence), MediaTypeRegistry.TEXT_PLAIN);
        } catch (Exception e) {
            reconnect();
            throw e;
        }
        if (response == null) {
            reconnect();
            return false;
        }
        failures = 0;
        noteSession();
        if (!response.isSuccess()) {
            throw new IllegalStateException("PUT " + path + " answered " + response.getCode() + " "
                    + response.getResponseText());
        }
        return true;
    }

    /**
     * The hub lost the session (or is away): the device starts its DTLS stack over, so the next message
     * handshakes again. (Californium keeps a request's DTLS context across its own retries; a new stack has none.)
     */
    private void reconnect() {
        if (++failures < 2) {
            // Once may be a message lost while the hub's endpoint was being replaced: its session may go on.
            return;
        }
        if (connector.getSessionByAddress(hub) == null) {
            // No session yet: a handshake is under way (a slow hub) and goes on; the next message uses it.
            return;
        }
        close();
        connect();
        failures = 0;
        reconnects.incrementAndGet();
    }

    @Override
    public long held() throws Exception {
        try {
            return CoapValues.held(client.get(), "GET " + path + " over DTLS");
        } catch (IllegalStateException e) {
            reconnect();
            throw e;
        }
    }

    @Override
    public long reconnects() {
        return reconnects.get();
    }

    private void noteSession() {
        DTLSSession s = connector.getSessionByAddress(hub);
        String id = s == null ? null : s.getSessionIdentifier().toString();
        if (id != null && !id.equals(session)) {
            session = id;
            ledger.record(thing + " dtls-session", id);
        }
    }

    @Override
    public void close() {
        client.shutdown();
        endpoint.destroy();
    }
}
