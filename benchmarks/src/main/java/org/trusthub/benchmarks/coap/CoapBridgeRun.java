package org.trusthub.benchmarks.coap;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.osgi.service.event.Event;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.coap.internal.CoapBindingComponent;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.ModelCore;
import org.trusthub.model.internal.RawValueStore;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;

/**
 * A bridged read beside a native one, in one run on loopback through the hub's real stack (keystore, registry, DTLS
 * provider, CoAP binding, thing model): a CoAP thing over one DTLS-PSK session reads its own value
 * ({@code /things/<own id>/level}, the binding's raw values) and a ZigBee lamp's level
 * ({@code /things/zigbee:.../level}, through the thing model, with the policy's grant and protection checks), in
 * alternating blocks so both see the same machine. Prints per kind the median and 99th percentile latency and the
 * requests per second of one client, then the ratio and what bridging adds (goal: under 2 ms on loopback).
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.trusthub.benchmarks.coap.CoapBridgeRun [requests per kind] [block]}
 */
public final class CoapBridgeRun {

    private static final ThingId LAMP = ThingId.of("zigbee:00124b0000000b02");

    /** The lamp's binding's side of the model, as ZigBee's: its level as the device last reported it. */
    private static final class Lamp implements PropertyProvider {
        volatile PropertySink sink;

        @Override
        public String binding() {
            return "zigbee";
        }

        @Override
        public boolean isSimulated() {
            return true;
        }

        @Override
        public void attach(PropertySink s) {
            sink = s;
        }

        @Override
        public void detach(PropertySink s) {
            sink = null;
        }

        @Override
        public void write(ThingId thing, PropertyDescriptor property, Object value) {
            sink.update(thing, property.id(), value, Origin.READ);
        }
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int block = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path dir = Files.createTempDirectory("trusthub-bridge-run");
        try (FileThingKeyStore keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
                ThingRegistryCore registry = new ThingRegistryCore(dir.resolve("registry"), keys,
                        LifecycleEventSink.NONE, Clock.systemUTC());
                RawValueStore values = new RawValueStore(Clock.systemUTC())) {
            TestPolicy policy = new TestPolicy();
            CoapBindingComponent binding = CoapTestPeers.binding(registry, new DtlsComponent(keys, registry),
                    new OscoreComponent(keys, registry), CoapTestPeers.config(), policy);
            binding.bindValues(values);
            ModelCore model = new ModelCore((topic, p) -> binding.handleEvent(new Event(topic, p)),
                    id -> registry.find(id).map(Thing::state), Clock.systemUTC());
            binding.bindModel(model);
            Lamp lamp = new Lamp();
            model.attach(lamp);
            ThingId caller = CoapTestPeers.operational(registry, "bench-thermostat");
            CoapTestPeers.operational(registry, LAMP.value());
            lamp.sink.describe(LAMP, List.of(PropertyDescriptor.onOff(), PropertyDescriptor.level()));
            lamp.sink.update(LAMP, "level", 40, Origin.REPORT);
            policy.grantRead(caller, LAMP, "level");

            CoapEndpoint endpoint = CoapTestPeers.pskEndpoint(keys, caller);
            CoapClient client = CoapTestPeers.client(endpoint);
            String base = "coaps://127.0.0.1:" + binding.secureAddress().orElseThrow().getPort() + "/things/";
            String nativeUri = base + caller.value() + "/level";
            String bridgedUri = base + LAMP.value() + "/level";
            try {
                client.setURI(nativeUri);
                CoapResponse put = client.put("40".getBytes(StandardCharsets.UTF_8), MediaTypeRegistry.TEXT_PLAIN);
                if (put == null || !put.isSuccess()) {
                    throw new IllegalStateException("the thing could not write its own value: " + put);
                }
                // warm up both paths (JIT, the DTLS session)
                measure(client, nativeUri, new long[requests / 10]);
                measure(client, bridgedUri, new long[requests / 10]);
                long[] nat = new long[requests];
                long[] bridged = new long[requests];
                long natTotal = 0;
                long bridgedTotal = 0;
                for (int done = 0; done < requests; done += block) {
                    int n = Math.min(block, requests - done);
                    long[] a = new long[n];
                    long[] b = new long[n];
                    natTotal += measure(client, nativeUri, a);
                    bridgedTotal += measure(client, bridgedUri, b);
                    System.arraycopy(a, 0, nat, done, n);
                    System.arraycopy(b, 0, bridged, done, n);
                }
                Arrays.sort(nat);
                Arrays.sort(bridged);
                System.out.printf(Locale.ROOT, "%d GETs each over one DTLS-PSK session on loopback, blocks of %d%n",
                        requests, block);
                report("native  /things/<own id>/level", nat, natTotal);
                report("bridged /things/zigbee:.../level", bridged, bridgedTotal);
                double added = (median(bridged) - median(nat)) / 1e6;
                System.out.printf(Locale.ROOT, "ratio bridged/native: median %.2f, throughput %.2f; bridging adds"
                        + " %.3f ms (median) %s%n", (double) median(bridged) / median(nat),
                        (double) natTotal / bridgedTotal, added, added < 2.0 ? "(goal < 2 ms: met)"
                                : "(goal < 2 ms: NOT met)");
            } finally {
                client.shutdown();
                endpoint.destroy();
                model.close();
                binding.deactivate();
            }
        }
    }

    /** Sends one GET per slot, stores each latency in nanoseconds, returns the total. */
    private static long measure(CoapClient client, String uri, long[] latencies) throws Exception {
        client.setURI(uri);
        long total = 0;
        for (int i = 0; i < latencies.length; i++) {
            long start = System.nanoTime();
            CoapResponse r = client.get();
            long took = System.nanoTime() - start;
            if (r == null || r.getCode() != ResponseCode.CONTENT) {
                throw new IllegalStateException(uri + " answered " + (r == null ? "nothing" : r.getCode() + " "
                        + r.getResponseText()));
            }
            latencies[i] = took;
            total += took;
        }
        return total;
    }

    private static long median(long[] sorted) {
        return sorted[sorted.length / 2];
    }

    private static void report(String what, long[] sorted, long totalNanos) {
        System.out.printf(Locale.ROOT, "%-34s median %.3f ms  p99 %.3f ms  %.0f requests/s%n", what,
                median(sorted) / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, sorted.length / (totalNanos / 1e9));
    }
}
