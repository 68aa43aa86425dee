package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.trusthub.testkit.Await;

/** Parallel guesses while the password check is slow: no more are checked than the budget allows. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoginRaceTest extends WebTestSupport {

    @Test
    void parallelGuessesAreCountedBeforeAnyIsChecked() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger checked = new AtomicInteger();
        Accounts slow = (user, password) -> {
            checked.incrementAndGet();
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        };
        Sessions sessions = new Sessions(Duration.ofMinutes(30), Clock.systemUTC());
        WebServer guarded = new WebServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null,
                component.routes(slow, sessions, 5, Clock.systemUTC()), sessions, new StaticFiles());
        try {
            HttpClient http = HttpClient.newHttpClient();
            byte[] body = JSON.writeValueAsBytes(java.util.Map.of("user", "ada", "password", "guess"));
            AtomicInteger answered = new AtomicInteger();
            List<CompletableFuture<Integer>> guesses = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                HttpRequest r = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + guarded.port()
                        + "/api/login")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                guesses.add(http.sendAsync(r, HttpResponse.BodyHandlers.discarding()).thenApply(x -> {
                    answered.incrementAndGet();
                    return x.statusCode();
                }));
            }
            Await.until("every guess is refused or being checked", () -> answered.get() + checked.get() == 20);
            gate.countDown();
            int unauthorized = 0;
            int limited = 0;
            for (CompletableFuture<Integer> g : guesses) {
                int status = g.get();
                unauthorized += status == 401 ? 1 : 0;
                limited += status == 429 ? 1 : 0;
            }
            assertEquals(5, checked.get());
            assertEquals(5, unauthorized);
            assertEquals(15, limited);
        } finally {
            gate.countDown();
            guarded.stop();
        }
    }
}
