package org.trusthub.testkit.coap;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCoapStackFactory;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.trusthub.testkit.load.LoadChannel;
import org.trusthub.testkit.load.NonceLedger;

/**
 * A thing writing one of its values to the hub with OSCORE ({@code PUT /things/<thing>/<value>}), observing it, and
 * reading it back. Every Partial IV on the wire goes into the ledger: the thing's (scope "thing-&gt;hub") and the
 * hub's, which the hub's notifications carry (scope "hub-&gt;thing"); one seen twice in a scope is a reused nonce.
 * It keeps the bytes of its last acknowledged PUT to replay them ({@link #replay()}) from another port. When its
 * observation goes quiet across a check, it observes again, as a device does when the notifications stop.
 */
public final class OscoreValueChannel implements LoadChannel {

    private final String thing;
    private final String path;
    private final InetSocketAddress hub;
    private final CoapEndpoint endpoint;
    private final CoapClient client;
    private final NonceLedger ledger;
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong notifications = new AtomicLong();
    private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile byte[] lastPut;
    private volatile byte[] acknowledgedPut;
    private long notificationsAtCheck;
    private CoapObserveRelation observation;

    /**
     * @param hub         the hub's plain CoAP port
     * @param masterSecret the OSCORE master secret (no salt, no ID context)
     * @param senderId    the thing's sender id (the hub's recipient id)
     * @param recipientId the hub's sender id
     * @param value       the name of the value the thing writes
     */
    public OscoreValueChannel(InetSocketAddress hub, String thing, byte[] masterSecret, byte[] senderId,
            byte[] recipientId, String value, NonceLedger ledger) throws Exception {
        this.thing = thing;
        this.hub = hub;
        this.ledger = ledger;
        this.path = "/things/" + thing + "/" + value;
        String base = "coap://" + hub.getAddress().getHostAddress() + ":" + hub.getPort();
        HashMapCtxDB db = new HashMapCtxDB();
        db.addContext(base, new OSCoreCtx(masterSecret, true, AlgorithmID.AES_CCM_16_64_128, senderId, recipientId,
                AlgorithmID.HKDF_HMAC_SHA_256, 32, null, null, 4096));
        endpoint = new CoapEndpoint.Builder().setConfiguration(CoapValues.configuration())
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(db).build();
        endpoint.addInterceptor(new MessageInterceptorAdapter() {
            @Override
            public void sendRequest(Request request) {
                note(thing + " thing->hub oscore", request);
                if (request.getOptions().hasOscore() && !request.getOptions().hasObserve()) {
                    // Protected by now: the OSCORE layer is above the endpoint's outbox, which calls this.
                    byte[] bytes = request.getBytes();
                    lastPut = bytes != null ? bytes : new UdpDataSerializer().serializeRequest(request).getBytes();
                }
            }

            @Override
            public void receiveResponse(Response response) {
                note(thing + " hub->thing oscore", response);
            }
        });
        client = new CoapClient(base + path);
        client.setEndpoint(endpoint);
        client.setTimeout(CoapValues.TIMEOUT_MILLIS);
    }

    @Override
    public String protocol() {
        return "coap-oscore";
    }

    @Override
    public String thing() {
        return thing;
    }

    @Override
    public boolean send(long sequence) throws Exception {
        Request put = Request.newPut();
        put.getOptions().setOscore(Bytes.EMPTY);
        put.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        put.setPayload(CoapValues.payload(sequence));
        lastPut = null;
        CoapResponse response = client.advanced(put);
        if (response != null && !response.isSuccess()) {
            throw new IllegalStateException("PUT " + path + " answered " + response.getCode() + " "
                    + response.getResponseText());
        }
        boolean ok = response != null;
        if (ok && lastPut != null) {
            acknowledgedPut = lastPut;
        }
        if (ok && observation == null) {
            observe();
        }
        return ok;
    }

    @Override
    public long held() throws Exception {
        Request get = Request.newGet();
        get.getOptions().setOscore(Bytes.EMPTY);
        long held = CoapValues.held(client.advanced(get), "GET " + path + " with OSCORE");
        long now = notifications.get();
        if (observation != null && (observation.isCanceled() || now == notificationsAtCheck)) {
            // Quiet since the last check: the hub forgot the observation (a device notices that the same way).
            observation.reactiveCancel();
            observe();
            reconnects.incrementAndGet();
        }
        notificationsAtCheck = now;
        return held;
    }

    /**
     * Sends the last acknowledged PUT again from another port: accepted when the hub answers it with 2.xx, refused
     * when with an error (4.01 for a replay).
     */
    @Override
    public Boolean replay() throws Exception {
        byte[] recorded = acknowledgedPut;
        if (recorded == null) {
            return null;
        }
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout((int) CoapValues.TIMEOUT_MILLIS);
            socket.send(new DatagramPacket(recorded, recorded.length, hub));
            byte[] answer = new byte[1500];
            DatagramPacket in = new DatagramPacket(answer, answer.length);
            try {
                socket.receive(in);
            } catch (SocketTimeoutException e) {
                throw new IllegalStateException("no answer to the replayed request", e);
            }
            // CoAP header: the code is the second octet, its class the top three bits.
            return in.getLength() >= 2 && ((answer[1] & 0xff) >> 5) == 2;
        }
    }

    /** How many notifications of its value the thing has had. */
    public long notifications() {
        return notifications.get();
    }

    @Override
    public long reconnects() {
        return reconnects.get();
    }

    private void observe() {
        Request get = Request.newGet();
        get.getOptions().setOscore(Bytes.EMPTY);
        get.setObserve();
        observation = client.observe(get, new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                notifications.incrementAndGet();
            }

            @Override
            public void onError() {
                // the next check observes again
            }
        });
    }

    /**
     * Records the message's Partial IV, once per message: a retransmission (same message id, same bytes) is the same
     * message, not a second use of its nonce.
     */
    private void note(String scope, Message message) {
        byte[] piv = partialIv(message);
        if (piv != null && seen.add(scope + " " + message.getMID() + " " + HexFormat.of().formatHex(piv))) {
            ledger.record(scope, HexFormat.of().formatHex(piv));
        }
    }

    /** The Partial IV of an OSCORE option (RFC 8613 section 6.1), or null when the message carries none. */
    static byte[] partialIv(Message message) {
        byte[] option = message.getOptions().getOscore();
        if (option == null || option.length == 0) {
            return null;
        }
        int n = option[0] & 0x07;
        if (n == 0 || option.length < 1 + n) {
            return null;
        }
        byte[] piv = new byte[n];
        System.arraycopy(option, 1, piv, 0, n);
        return piv;
    }

    @Override
    public void close() {
        if (observation != null) {
            observation.reactiveCancel();
        }
        client.shutdown();
        endpoint.destroy();
    }
}
