package org.trusthub.offload.device.coap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.EmptyMessage;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.interceptors.MessageInterceptor;
import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.exception.ConnectorException;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCoapStackFactory;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.OSException;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.wire.CryptoKind;
import org.trusthub.offload.wire.OpCounter;
import org.trusthub.offload.device.PairGrant;
import org.trusthub.offload.device.RootKeys;
import org.trusthub.offload.device.TokenGrant;
import org.trusthub.offload.device.Verdict;

/**
 * A device's CoAP link to the hub's offload resources ({@code POST /offload/token}, {@code /verify}, {@code /pair},
 * {@code /group}), over DTLS 1.2 with the thing's PSK or over OSCORE with its master secret, both derived from the
 * root secret as the device would ({@link RootKeys}).
 *
 * <p>What the link adds to the device's {@link OpCounter}: every UDP payload byte sent and received (CoAP headers,
 * OSCORE or DTLS record overhead, DTLS handshakes, retransmissions) beyond the COSE bodies the device model counts
 * itself; the key derivations; for OSCORE the context derivation (HKDF-Extract and three Expands) and one AES-CCM per
 * message; for DTLS-PSK six symmetric operations per handshake (the PRF for the master secret and the key block, the
 * two Finished PRFs, the two Finished records) and one AES-CCM per record. No public-key operation: PSK and OSCORE
 * need none.
 *
 * <p>Not thread-safe, like the device. A hub that does not answer within the timeout is an
 * {@link UncheckedIOException}; a refusal is the {@link OffloadException} the hub named in its diagnostic.
 */
public final class CoapHubLink implements AutoCloseable {

    /** How the device secures its link to the hub. */
    public enum Security {
        DTLS_PSK, OSCORE
    }

    private static final int DTLS_HANDSHAKE_OPS = 6;
    private static final int OSCORE_CONTEXT_OPS = 4;

    private final ConstrainedDevice device;
    private final OpCounter counter;
    private final Security security;
    private final String base;
    private final CoapEndpoint endpoint;
    private final CoapClient client;
    private final AtomicLong wireSent = new AtomicLong();
    private final AtomicLong wireReceived = new AtomicLong();

    private CoapHubLink(ConstrainedDevice device, Security security, String base, CoapEndpoint endpoint,
            Duration timeout) {
        this.device = device;
        this.counter = device.counter();
        this.security = security;
        this.base = base;
        this.endpoint = endpoint;
        // Sent messages have their wire bytes only after serialization (post-process); received ones from parsing on.
        endpoint.addPostProcessInterceptor(new Counting(true));
        endpoint.addInterceptor(new Counting(false));
        this.client = new CoapClient();
        client.setEndpoint(endpoint);
        client.setTimeout(timeout.toMillis());
    }

    /**
     * Opens a link (nothing is sent yet; a DTLS handshake happens on the first request).
     *
     * @param generation the generation of the thing's keys at the hub for the layer used (TRANSPORT for DTLS,
     *            APPLICATION for OSCORE; 1 until rotated)
     * @param hub the hub's DTLS endpoint for {@link Security#DTLS_PSK}, its plain CoAP endpoint for OSCORE
     */
    public static CoapHubLink open(ConstrainedDevice device, byte[] rootSecret, int generation, Security security,
            InetSocketAddress hub, Duration timeout) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(hub, "hub");
        ThingId thing = device.id();
        Configuration config = configuration();
        String host = hub.getAddress().getHostAddress() + ":" + hub.getPort();
        if (security == Security.DTLS_PSK) {
            byte[] psk = RootKeys.dtlsPsk(thing, rootSecret, generation, device.counter());
            config.set(DtlsConfig.DTLS_ROLE, DtlsRole.CLIENT_ONLY);
            config.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 2);
            config.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 500, TimeUnit.MILLISECONDS);
            CountingDtlsConnector connector;
            try {
                connector = new CountingDtlsConnector(DtlsConnectorConfig.builder(config)
                        .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                        .setAdvancedPskStore(new AdvancedSinglePskStore(thing.value(), psk)).build(),
                        device.counter());
            } finally {
                Arrays.fill(psk, (byte) 0);
            }
            CoapEndpoint endpoint = new CoapEndpoint.Builder().setConnector(connector).setConfiguration(config)
                    .build();
            CoapHubLink link = new CoapHubLink(device, security, "coaps://" + host, endpoint, timeout);
            connector.wire(link.wireSent, link.wireReceived);
            return link;
        }
        byte[] secret = RootKeys.oscoreMasterSecret(thing, rootSecret, generation, device.counter());
        byte[] senderId = RootKeys.oscoreSenderId(thing, device.counter());
        HashMapCtxDB db = new HashMapCtxDB();
        try {
            OSCoreCtx ctx = new OSCoreCtx(secret, true, AlgorithmID.AES_CCM_16_64_128, senderId, Bytes.EMPTY,
                    AlgorithmID.HKDF_HMAC_SHA_256, 32, null, null, 4096);
            db.addContext("coap://" + host, ctx);
        } catch (OSException e) {
            throw new IllegalStateException("OSCORE context cannot be derived: " + e.getMessage(), e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        for (int i = 0; i < OSCORE_CONTEXT_OPS; i++) {
            device.counter().count(CryptoKind.SYMMETRIC);
        }
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(db).build();
        return new CoapHubLink(device, security, "coap://" + host, endpoint, timeout);
    }

    private static Configuration configuration() {
        Configuration c = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS, DtlsConfig.DEFINITIONS);
        c.set(CoapConfig.MAX_ACTIVE_PEERS, 16);
        c.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 1);
        c.set(CoapConfig.ACK_TIMEOUT, 500, TimeUnit.MILLISECONDS);
        c.set(CoapConfig.MAX_RETRANSMIT, 2);
        return c;
    }

    public Security security() {
        return security;
    }

    /**
     * POSTs one request of the device model to {@code /offload/<service>} and returns the answer's body.
     *
     * @throws OffloadException the hub's refusal (its diagnostic names the reason)
     * @throws UncheckedIOException no answer within the timeout (a hub that is gone)
     */
    public byte[] exchange(String service, byte[] request) {
        long sentBefore = wireSent.get();
        long receivedBefore = wireReceived.get();
        Request post = Request.newPost();
        post.setURI(base + "/offload/" + service);
        post.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_CBOR);
        post.setPayload(request);
        if (security == Security.OSCORE) {
            post.getOptions().setOscore(Bytes.EMPTY);
        }
        CoapResponse response;
        try {
            response = client.advanced(post);
        } catch (ConnectorException | IOException e) {
            throw new UncheckedIOException("hub at " + base + " unreachable: " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        } finally {
            // The body the device model counts itself; the rest is the transport's.
            // (Never below zero: a request that never left, a handshake that failed, still cost its handshake bytes.)
            counter.sent(Math.max(0, (int) (wireSent.get() - sentBefore) - request.length));
        }
        if (response == null) {
            counter.received((int) (wireReceived.get() - receivedBefore));
            throw new UncheckedIOException(new IOException("no answer from the hub at " + base + " within "
                    + client.getTimeout() + " ms"));
        }
        byte[] body = response.getPayload();
        if (response.getCode().isSuccess()) {
            counter.received(Math.max(0, (int) (wireReceived.get() - receivedBefore) - body.length));
            return body;
        }
        counter.received((int) (wireReceived.get() - receivedBefore));
        throw refusal(response.getCode(), new String(body, StandardCharsets.UTF_8));
    }

    /**
     * The refusal the hub named in its diagnostic; the binding's own 4.01 (the thing is not an authenticated,
     * operational thing) as NOT_OPERATIONAL; anything else (no {@code /offload} resources: offload stopped, or a
     * server error) as an {@link UncheckedIOException}, since the hub did not judge the request.
     */
    static RuntimeException refusal(ResponseCode code, String diagnostic) {
        int colon = diagnostic.indexOf(':');
        if (colon > 0) {
            try {
                Refusal r = Refusal.valueOf(diagnostic.substring(0, colon));
                return new OffloadException(r, "hub answered " + code + ": " + diagnostic.substring(colon + 1).strip());
            } catch (IllegalArgumentException notOne) {
                // the binding's own diagnostic, below
            }
        }
        if (code == ResponseCode.UNAUTHORIZED) {
            return new OffloadException(Refusal.NOT_OPERATIONAL, "hub answered " + code + ": " + diagnostic);
        }
        return new UncheckedIOException(new IOException("hub offers no offload service (" + code + " " + diagnostic
                + ")"));
    }

    /** Client: a token for {@code scope} at {@code audience}, checked by the device. */
    public TokenGrant token(ThingId audience, String scope) {
        return device.acceptTokenResponse(exchange("token", device.requestToken(audience, scope)));
    }

    /** Thing A: a pairwise key for talking to {@code peer}, and the ticket to forward. */
    public PairGrant pairwiseKey(ThingId peer) {
        return device.acceptPairwiseKey(exchange("pair", device.requestPairwiseKey(peer)));
    }

    /** A member: fetches the keys of the group's kept epochs; returns how many the device now holds. */
    public int groupKeys(String group) {
        return device.acceptGroupKeys(exchange("group", device.requestGroupKeys(group)));
    }

    /**
     * Asks the hub to check a signature over {@code data} and the signer's chain (leaf first); returns the verdict,
     * which the device checked with one MAC under its verdict key.
     */
    public Verdict verify(String algorithm, byte[] data, byte[] signature, List<X509Certificate> chain) {
        return device.acceptVerdict(exchange("verify", device.requestVerification(algorithm, data, signature, chain)));
    }

    /** As {@link #verify}, but only the digest the device computed of {@code data} goes on the air. */
    public Verdict verifyDigest(String algorithm, byte[] data, byte[] signature, List<X509Certificate> chain) {
        return device.acceptVerdict(exchange("verify", device.requestVerificationOfDigest(algorithm, data, signature,
                chain)));
    }

    /** Bytes of UDP payload this link sent and received so far (everything, the COSE bodies included). */
    public List<Long> wireBytes() {
        return List.of(wireSent.get(), wireReceived.get());
    }

    @Override
    public void close() {
        client.shutdown();
        endpoint.destroy();
    }

    /** Wire sizes of CoAP messages (exact for plain UDP/OSCORE; DTLS counts whole datagrams instead). */
    private final class Counting implements MessageInterceptor {
        private final boolean sending;

        Counting(boolean sending) {
            this.sending = sending;
        }

        // One AES-CCM per message either way: OSCORE protects it, DTLS protects its record.
        private void sent(int bytes) {
            if (!sending) {
                return;
            }
            if (security == Security.OSCORE) {
                wireSent.addAndGet(bytes);
            }
            counter.count(CryptoKind.SYMMETRIC);
        }

        private void received(int bytes) {
            if (sending) {
                return;
            }
            if (security == Security.OSCORE) {
                wireReceived.addAndGet(bytes);
            }
            counter.count(CryptoKind.SYMMETRIC);
        }

        @Override
        public void sendRequest(Request request) {
            sent(request.getBytes() == null ? 0 : request.getBytes().length);
        }

        @Override
        public void sendResponse(Response response) {
            sent(response.getBytes() == null ? 0 : response.getBytes().length);
        }

        // Empty ACKs and RSTs: OSCORE leaves them unprotected, DTLS protects their record.
        @Override
        public void sendEmptyMessage(EmptyMessage message) {
            if (!sending) {
                return;
            }
            if (security == Security.OSCORE) {
                wireSent.addAndGet(message.getBytes() == null ? 0 : message.getBytes().length);
            } else {
                counter.count(CryptoKind.SYMMETRIC);
            }
        }

        @Override
        public void receiveRequest(Request request) {
            received(request.getBytes() == null ? 0 : request.getBytes().length);
        }

        @Override
        public void receiveResponse(Response response) {
            received(response.getBytes() == null ? 0 : response.getBytes().length);
        }

        @Override
        public void receiveEmptyMessage(EmptyMessage message) {
            if (sending) {
                return;
            }
            if (security == Security.OSCORE) {
                wireReceived.addAndGet(message.getBytes() == null ? 0 : message.getBytes().length);
            } else {
                counter.count(CryptoKind.SYMMETRIC);
            }
        }
    }

    /** Scandium's connector, counting every datagram's bytes and each handshake's symmetric work. */
    private static final class CountingDtlsConnector extends DTLSConnector {
        private final OpCounter counter;
        private volatile AtomicLong sent = new AtomicLong();
        private volatile AtomicLong received = new AtomicLong();

        CountingDtlsConnector(DtlsConnectorConfig config, OpCounter counter) {
            super(config);
            this.counter = counter;
        }

        void wire(AtomicLong sent, AtomicLong received) {
            this.sent = sent;
            this.received = received;
        }

        @Override
        protected void onInitializeHandshaker(Handshaker handshaker) {
            super.onInitializeHandshaker(handshaker);
            for (int i = 0; i < DTLS_HANDSHAKE_OPS; i++) {
                counter.count(CryptoKind.SYMMETRIC);
            }
        }

        @Override
        protected void sendNextDatagramOverNetwork(DatagramPacket datagram) throws IOException {
            sent.addAndGet(datagram.getLength());
            super.sendNextDatagramOverNetwork(datagram);
        }

        @Override
        protected void processDatagram(DatagramPacket datagram, InetSocketAddress router) {
            received.addAndGet(datagram.getLength());
            super.processDatagram(datagram, router);
        }
    }
}
