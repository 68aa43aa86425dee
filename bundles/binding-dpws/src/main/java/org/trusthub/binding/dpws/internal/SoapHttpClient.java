package org.trusthub.binding.dpws.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** SOAP 1.2 over HTTP POST, with the response read no further than the DPWS size limit. */
public final class SoapHttpClient {

    private final HttpClient http;
    private final Duration timeout;
    private final java.util.function.Supplier<Tls> tls;

    public SoapHttpClient(Duration timeout) {
        this(timeout, () -> null);
    }

    /** {@code tls} gives the current TLS contexts for https:// addresses, or null while there are none. */
    public SoapHttpClient(Duration timeout, java.util.function.Supplier<Tls> tls) {
        this.timeout = timeout;
        this.tls = tls;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Posts an envelope to a peer the caller knows no thing of (over https://, any enrolled thing may answer); returns
     * the parsed response, or null for 202 Accepted (one-way).
     */
    public SoapMessage post(URI to, byte[] envelope, java.util.Set<String> understood)
            throws IOException, MalformedMessageException {
        return post(to, null, envelope, understood);
    }

    /**
     * Posts an envelope to this thing: over https:// the server must present the thing's certificate.
     *
     * @param server the thing meant, or null for {@link #post(URI, byte[], java.util.Set)}
     */
    public SoapMessage post(URI to, org.trusthub.api.thing.ThingId server, byte[] envelope,
            java.util.Set<String> understood) throws IOException, MalformedMessageException {
        if (envelope.length > Xml.MAX_HTTP) {
            throw new IllegalArgumentException("envelope of " + envelope.length + " bytes exceeds the DPWS limit of "
                    + Xml.MAX_HTTP);
        }
        String scheme = to.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IOException("not an HTTP address: " + Xml.printable(to.toString()));
        }
        if ("https".equals(scheme)) {
            Tls t = tls.get();
            if (t == null) {
                throw new IOException("https:// address " + Xml.printable(to.toString())
                        + " but no TLS provider (security-transport TlsContexts) is registered");
            }
            HttpsPost.Answer a = HttpsPost.post(t, to, server, envelope, timeout);
            return answer(to, a.status(), a.body(), understood);
        }
        HttpRequest req = HttpRequest.newBuilder(to).timeout(timeout)
                .header("Content-Type", "application/soap+xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build();
        // The request timeout ends with the answer's headers; the body could then trickle for ever. The whole
        // exchange gets the timeout, and the body is collected no further than the limit.
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(req, info -> new Bounded(Xml.MAX_HTTP + 1));
        HttpResponse<byte[]> resp = await(pending, to);
        byte[] body = resp.body();
        return answer(to, resp.statusCode(), body, understood);
    }

    /**
     * Fetches a document by URL (a WSDL a device's metadata only references), within the timeout and no further than
     * one byte past {@code limit}; over https:// the server must present the thing's certificate.
     *
     * @throws IOException for another answer than 200, a body over the limit, or no whole answer in time
     */
    public byte[] get(URI to, org.trusthub.api.thing.ThingId server, int limit) throws IOException {
        String scheme = to.getScheme();
        byte[] body;
        int status;
        if ("https".equals(scheme)) {
            Tls t = tls.get();
            if (t == null) {
                throw new IOException("https:// address " + Xml.printable(to.toString())
                        + " but no TLS provider (security-transport TlsContexts) is registered");
            }
            HttpsPost.Answer a = HttpsPost.get(t, to, server, timeout, limit);
            status = a.status();
            body = a.body();
        } else if ("http".equals(scheme)) {
            HttpRequest req = HttpRequest.newBuilder(to).timeout(timeout).GET().build();
            CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(req, info -> new Bounded(limit + 1));
            HttpResponse<byte[]> resp = await(pending, to);
            status = resp.statusCode();
            body = resp.body();
        } else {
            throw new IOException("not an HTTP address: " + Xml.printable(to.toString()));
        }
        if (status != 200) {
            throw new IOException("HTTP " + status + " from " + Xml.printable(to.toString()));
        }
        if (body.length > limit) {
            throw new IOException("the document at " + Xml.printable(to.toString()) + " exceeds the limit of " + limit
                    + " bytes");
        }
        return body;
    }

    private HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> pending, URI to) throws IOException {
        try {
            return pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new HttpTimeoutException("no whole answer from " + Xml.printable(to.toString()) + " within "
                    + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(String.valueOf(e.getCause()), e.getCause());
        }
    }

    /** Collects a body up to {@code cap} bytes, then stops reading: anything longer is refused anyway. */
    private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Bounded(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), cap - out.size());
                byte[] chunk = new byte[n];
                b.get(chunk);
                out.write(chunk, 0, n);
            }
            if (out.size() >= cap) {
                subscription.cancel();
                body.complete(out.toByteArray());
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(out.toByteArray());
        }
    }

    private static SoapMessage answer(URI to, int status, byte[] body, java.util.Set<String> understood)
            throws IOException, MalformedMessageException {
        if (status == 202 || (body.length == 0 && status / 100 == 2)) {
            return null;
        }
        if (body.length > Xml.MAX_HTTP) {
            throw new MalformedMessageException("response exceeds the DPWS limit of " + Xml.MAX_HTTP + " bytes");
        }
        if (body.length == 0) {
            throw new IOException("HTTP " + status + " without a SOAP body from " + to);
        }
        return SoapMessage.read(Xml.parse(body, Xml.MAX_HTTP), understood);
    }
}
