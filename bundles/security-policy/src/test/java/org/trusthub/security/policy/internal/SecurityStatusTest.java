package org.trusthub.security.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;

/** A status is made from the optional services as they were when it started, whatever unbinds meanwhile. */
class SecurityStatusTest {
    static final Instant NOW = Instant.parse("2026-12-03T11:30:00Z");
    static final ThingId LAMP = ThingId.of("lamp-1");

    @Test
    void theRefusalCountUnboundWhileAStatusIsMadeNeitherThrowsNorVanishesFromIt() {
        SecurityStatus status = new SecurityStatus(Clock.fixed(NOW, ZoneOffset.UTC));
        status.refusals = new SecurityRefusals() {
            @Override
            public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
            }

            @Override
            public List<RefusalCount> counts() {
                return counts(LAMP);
            }

            @Override
            public List<RefusalCount> counts(ThingId thing) {
                return List.of(new RefusalCount(Optional.of(thing), Layer.APPLICATION, "oscore", RefusalReason.REPLAY,
                        2, NOW));
            }

            @Override
            public void clear(ThingId thing) {
            }
        };
        status.addBinding(new ProtocolBinding() {
            @Override
            public String protocol() {
                return "coap";
            }

            @Override
            public boolean isSimulated() {
                return false;
            }

            @Override
            public Set<ThingId> things() {
                return Set.of(LAMP);
            }

            @Override
            public void release(ThingId thing) {
            }
        });
        // Declarative Services unbinds the refusal count while the status asks the providers.
        status.addProvider(new SecurityProvider() {
            @Override
            public Layer layer() {
                return Layer.APPLICATION;
            }

            @Override
            public String mechanism() {
                return "oscore";
            }

            @Override
            public void forget(ThingId thing) {
            }

            @Override
            public List<Authenticated> sessions(ThingId thing) {
                status.refusals = null;
                return List.of();
            }
        });

        SecurityStatus.ThingStatus lamp = status.of(LAMP).orElseThrow();
        assertEquals(Map.of("REPLAY", 2L), lamp.layers().get(Layer.APPLICATION.ordinal()).refusals());
        assertEquals(List.of("refusal count"), status.missing().stream().filter("refusal count"::equals).toList());
    }
}
