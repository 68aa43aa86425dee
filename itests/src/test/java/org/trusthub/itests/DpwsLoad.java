package org.trusthub.itests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.osgi.framework.BundleContext;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.testkit.Await;
import org.trusthub.testkit.load.LoadChannel;

/**
 * DPWS traffic for the load driver, from a caller that signs and encrypts as the shipped policy requires: WS-Transfer
 * Gets of a hosted device's metadata, invokes of its GetStatus operation, and WS-Eventing subscriptions whose events
 * reach a sink of its own.
 */
final class DpwsLoad {

    static final String TH = "http://trusthub.org/ns/dpws/2026/thing";
    static final String WSE = "http://schemas.xmlsoap.org/ws/2004/08/eventing";
    private static final String WSS = "org.trusthub.security.wss.WsSecurity";

    private DpwsLoad() {
    }

    /** The device URL and address of a hosted thing, from {@code trusthub:dpws-hosted}'s row for it. */
    record Device(String url, String address) {
        static Device of(String hosted, ThingId thing) {
            for (String line : hosted.split("\\R")) {
                // a table row: the thing's id first, then its device address and URL
                String[] cells = line.strip().split("[\\s|]+");
                if (cells.length < 3 || !cells[0].equals(thing.value())) {
                    continue;
                }
                Matcher url = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/\\S*").matcher(line);
                Matcher address = Pattern.compile("urn:uuid:[0-9a-fA-F-]+").matcher(line);
                if (url.find() && address.find()) {
                    return new Device(url.group(), address.group());
                }
            }
            return null;
        }

        /** The endpoint of the device's own service (ThingPortType: GetStatus, StateChanged events). */
        String service() {
            return url + "/thing";
        }
    }

    /**
     * One request kind, sent over and over: each is a new signed and encrypted message; the last one acknowledged is
     * recorded, and replayed byte for byte by {@link #replay()}.
     */
    static final class Caller implements LoadChannel {
        private final BundleContext context;
        private final ThingId caller;
        private final String protocol;
        private final String endpoint;
        private final String action;
        private final String address;
        private final String body;
        private volatile String acknowledged;

        private Caller(BundleContext context, ThingId caller, String protocol, String endpoint, String action,
                String address, String body) {
            this.context = context;
            this.caller = caller;
            this.protocol = protocol;
            this.endpoint = endpoint;
            this.action = action;
            this.address = address;
            this.body = body;
        }

        /** WS-Transfer Gets of the device's metadata ("dpws"). */
        static Caller metadataGets(BundleContext context, ThingId caller, Device device) {
            return new Caller(context, caller, "dpws", device.url(),
                    "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", device.address(), "");
        }

        /** Invokes of the device's GetStatus operation ("dpws-invoke"). */
        static Caller statusInvokes(BundleContext context, ThingId caller, Device device) {
            return new Caller(context, caller, "dpws-invoke", device.service(), TH + "/ThingPortType/GetStatus",
                    device.address(), "<th:GetStatus xmlns:th='" + TH + "'/>");
        }

        @Override
        public String protocol() {
            return protocol;
        }

        @Override
        public String thing() {
            return caller.value();
        }

        @Override
        public boolean send(long sequence) throws Exception {
            String request = signed(context, caller, action, address, body, "");
            String answer = DpwsWire.post(endpoint, request, 200);
            if (!answer.contains(action + "Response") && !action.endsWith("/transfer/Get")) {
                throw new IllegalStateException("no " + action + "Response: " + answer);
            }
            acknowledged = request;
            return true;
        }

        /** Posts the last acknowledged request again: accepted when the hub answers 2xx, refused with 4xx. */
        @Override
        public Boolean replay() throws Exception {
            String recorded = acknowledged;
            return recorded == null ? null : postAgain(endpoint, recorded);
        }
    }

    /**
     * Events: each message subscribes (signed and encrypted) to the StateChanged events of a hosted thing of its own,
     * takes that thing to MAINTENANCE and back, and is acknowledged when the hub's event source delivered an event of
     * that subscription to the sink: the StateChanged notification, or the SubscriptionEnd the device's withdrawal
     * sends (which of the two comes first is the hub's business; both are its events). Each attempt has its own sink
     * paths, so an event of an earlier attempt never acknowledges a later one. The hub secures a hosted thing's
     * events under that thing's own outbound requirement, and WS-Security secures nothing for a thing that is not
     * OPERATIONAL: the event source needs a rule of its own that requires no protection, or no event of its
     * MAINTENANCE could go out. The metadata and invoke channels replay; this one does not.
     */
    static final class Events implements LoadChannel, AutoCloseable {
        private static final Duration EVENT_WAIT = Duration.ofSeconds(10);
        private final BundleContext context;
        private final ThingRegistry registry;
        private final ThingId caller;
        private final ThingId source;
        private final Device device;
        private final ServerSocket sink;
        private final Set<String> delivered = ConcurrentHashMap.newKeySet();
        private final Thread accepting;
        /**
         * The lifecycle transitions run here, not on the driver's thread: the driver interrupts its threads when it
         * closes, and an interrupt during the registry's journal write closes the journal's file channel.
         */
        private final java.util.concurrent.ExecutorService transitions = java.util.concurrent.Executors
                .newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "dpws event source lifecycle");
                    t.setDaemon(true);
                    return t;
                });
        private long attempt;

        Events(BundleContext context, ThingRegistry registry, ThingId caller, ThingId source, Device device)
                throws IOException {
            this.context = context;
            this.registry = registry;
            this.caller = caller;
            this.source = source;
            this.device = device;
            this.sink = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.accepting = new Thread(this::accept, "dpws event sink");
            accepting.setDaemon(true);
            accepting.start();
        }

        @Override
        public String protocol() {
            return "dpws-event";
        }

        @Override
        public String thing() {
            return caller.value();
        }

        @Override
        public boolean send(long sequence) throws Exception {
            String id = sequence + "-" + (++attempt);
            String base = "http://127.0.0.1:" + sink.getLocalPort();
            String subscribe = "<wse:Subscribe xmlns:wse='" + WSE + "' xmlns:a='" + DpwsIT.WSA + "'><wse:EndTo>"
                    + "<a:Address>" + base + "/end/" + id + "</a:Address></wse:EndTo><wse:Delivery Mode='" + WSE
                    + "/DeliveryModes/Push'><wse:NotifyTo><a:Address>" + base + "/notify/" + id
                    + "</a:Address></wse:NotifyTo></wse:Delivery><wse:Expires>PT10M</wse:Expires></wse:Subscribe>";
            resumed();
            String request = signed(context, caller, WSE + "/Subscribe", device.address(), subscribe, "");
            String answer = DpwsWire.post(device.service(), request, 200);
            if (!answer.contains(WSE + "/SubscribeResponse")) {
                throw new IllegalStateException("no SubscribeResponse: " + answer);
            }
            try {
                transition(Transition.MAINTAIN);
                Await.until("an event of subscription " + id, EVENT_WAIT,
                        () -> delivered.contains("/notify/" + id) || delivered.contains("/end/" + id));
            } finally {
                resumed();
            }
            return true;
        }

        /** Brings the event source back to OPERATIONAL (it is hosted again); the subscription went with it. */
        void resumed() throws Exception {
            if (registry.find(source).map(t -> t.state() == LifecycleState.MAINTENANCE).orElse(false)) {
                transition(Transition.RESUME);
            }
        }

        private void transition(Transition t) throws Exception {
            transitions.submit(() -> registry.transition(source, t)).get();
        }

        private void accept() {
            while (!sink.isClosed()) {
                try (Socket s = sink.accept()) {
                    s.setSoTimeout(5000);
                    InputStream in = s.getInputStream();
                    String head = head(in);
                    Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
                    if (length.find()) {
                        in.readNBytes(Integer.parseInt(length.group(1)));
                    }
                    String[] requestLine = head.split(" ", 3);
                    if (requestLine.length > 1) {
                        delivered.add(requestLine[1]);
                    }
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (SocketException closed) {
                    return;
                } catch (IOException | RuntimeException e) {
                    // one bad delivery: the next connection is served
                }
            }
        }

        private static String head(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                b.append((char) c);
                if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                    break;
                }
            }
            return b.toString();
        }

        @Override
        public void close() {
            try {
                sink.close();
            } catch (IOException e) {
                // closing anyway
            }
            // A send stopped by the driver may have left its MAINTAIN queued: let every queued transition happen
            // first, then bring the event source back.
            transitions.shutdown();
            try {
                if (!transitions.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new IllegalStateException("a transition of the event source did not end within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the event source's transitions ended", e);
            }
            if (registry.find(source).map(t -> t.state() == LifecycleState.MAINTENANCE).orElse(false)) {
                registry.transition(source, Transition.RESUME);
            }
        }
    }

    /** Posts a recorded request again: true when the hub answers 2xx, false for 4xx; throws for 5xx (not up yet). */
    static Boolean postAgain(String endpoint, String recorded) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(endpoint).openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/soap+xml; charset=utf-8");
        try (OutputStream out = c.getOutputStream()) {
            out.write(recorded.getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        c.disconnect();
        if (status >= 500) {
            throw new IllegalStateException("the hub answered the replay with " + status + " (not up yet)");
        }
        return status < 300;
    }

    /**
     * A SOAP 1.2 request signed and encrypted for {@code caller} with the WsSecurity service of the moment: the
     * provider may have been updated, or installed again with its feature, in a class space this probe is not wired
     * to. So it is called through its interface by name; its arguments are the API's and the JDK's, which are never
     * swapped.
     */
    static String signed(BundleContext context, ThingId caller, String action, String to, String body,
            String headers) throws Exception {
        String envelope = "<s:Envelope xmlns:s='" + DpwsIT.SOAP + "' xmlns:a='" + DpwsIT.WSA + "'><s:Header>"
                + "<a:Action>" + action + "</a:Action><a:MessageID>urn:uuid:" + UUID.randomUUID()
                + "</a:MessageID><a:To>" + to + "</a:To>" + headers + "</s:Header><s:Body>" + body
                + "</s:Body></s:Envelope>";
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        org.w3c.dom.Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(
                envelope.getBytes(StandardCharsets.UTF_8)));
        var refs = context.getAllServiceReferences(WSS, null);
        if (refs == null) {
            throw new IllegalStateException("no WsSecurity to sign with (the provider is being swapped)");
        }
        Object service = context.getService(refs[0]);
        try {
            Class<?> type = Arrays.stream(service.getClass().getInterfaces()).filter(i -> i.getName().equals(WSS))
                    .findFirst().orElseThrow();
            type.getMethod("secure", org.w3c.dom.Document.class, ThingId.class, Protection.class).invoke(service, doc,
                    caller, Protection.confidentiality().endToEnd());
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException("WsSecurity refused to sign: " + e.getCause(), e.getCause());
        } finally {
            context.ungetService(refs[0]);
        }
        StringWriter out = new StringWriter();
        Transformer t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty("omit-xml-declaration", "yes");
        t.transform(new DOMSource(doc), new StreamResult(out));
        return out.toString();
    }
}
