package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.api.thing.UnknownThingException;

/** The binding's inbound checks, on the published API only, with small fakes of the hub's services. */
class ${bindingClass}BindingTest {

    private static final ThingId LAMP = ThingId.of("lamp-1");
    private static final Authenticated FROM_LAMP = Authenticated.message(LAMP, Layer.TRANSPORT, "${bindingName}",
            Protection.confidentiality());

    private final Registry registry = new Registry();
    private final Sink sink = new Sink();
    private final Refusals refusals = new Refusals();
    private final Policy policy = new Policy();
    private ${bindingClass}Binding binding;

    @BeforeEach
    void setUp() {
        registry.states.put(LAMP, LifecycleState.OPERATIONAL);
        binding = new ${bindingClass}Binding(registry, config("lamp-1 on:switch:rw level:level:rw"));
        binding.policy = policy;
        binding.refusals = refusals;
        binding.attach(sink);
    }

    @Test
    void describesTheConfiguredThingsToTheModel() {
        assertEquals(List.of("on", "level"), sink.described.get(LAMP).stream().map(PropertyDescriptor::id).toList());
        assertEquals(Set.of(LAMP), binding.things());
    }

    @Test
    void aValueFromAnOperationalThingReachesTheModel() {
        assertEquals(Optional.empty(), binding.accept(FROM_LAMP, "level", bytes("42")));
        assertEquals(List.of("lamp-1/level=42/REPORT"), sink.updates);
    }

    @Test
    void aPayloadThatDoesNotParseIsRefusedAsMalformed() {
        assertEquals(Optional.of(RefusalReason.MALFORMED), binding.accept(FROM_LAMP, "level", bytes("bright")));
        assertEquals(Optional.of(RefusalReason.MALFORMED),
                binding.accept(FROM_LAMP, "level", new byte[] { (byte) 0xff, (byte) 0xfe }));
        assertEquals(Optional.of(RefusalReason.MALFORMED), binding.accept(FROM_LAMP, "colour", bytes("red")));
        assertEquals(List.of(), sink.updates);
        assertEquals(List.of(RefusalReason.MALFORMED, RefusalReason.MALFORMED, RefusalReason.MALFORMED),
                refusals.reasons);
    }

    @Test
    void aThingThatIsNotOperationalIsRefused() {
        registry.states.put(LAMP, LifecycleState.MAINTENANCE);
        assertEquals(Optional.of(RefusalReason.NOT_OPERATIONAL), binding.accept(FROM_LAMP, "on", bytes("on")));
        assertEquals(List.of(), sink.updates);
    }

    @Test
    void protectionBelowThePolicyIsRefused() {
        policy.inbound = Protection.confidentiality().endToEnd();
        assertEquals(Optional.of(RefusalReason.POLICY), binding.accept(FROM_LAMP, "on", bytes("on")));
        assertEquals(List.of(), sink.updates);
    }

    @Test
    void withoutAPolicyEverythingIsRefused() {
        binding.policy = null;
        assertEquals(Optional.of(RefusalReason.NOT_OPERATIONAL), binding.accept(FROM_LAMP, "on", bytes("on")));
    }

    @Test
    void releaseMakesTheThingsValuesUnavailable() {
        binding.release(LAMP);
        assertEquals(List.of(LAMP), sink.unavailable);
    }

    @Test
    void aBadDescriptionIsRefusedWithItsReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ThingDescriptions.parse(new String[] { "lamp-1 on:colour" }));
        assertTrue(e.getMessage().contains("unknown type"), e.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ${bindingClass}Config config(String things) {
        return new ${bindingClass}Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ${bindingClass}Config.class;
            }

            @Override
            public String[] things() {
                return new String[] { things };
            }
        };
    }

    private static final class Registry implements ThingRegistry {
        final Map<ThingId, LifecycleState> states = new HashMap<>();

        @Override
        public Optional<Thing> find(ThingId id) {
            LifecycleState s = states.get(id);
            return s == null ? Optional.empty() : Optional.of(new Thing(id, s, "owner", Instant.EPOCH, Instant.EPOCH, 0));
        }

        @Override
        public Thing get(ThingId id) {
            return find(id).orElseThrow(() -> new UnknownThingException(id));
        }

        @Override
        public List<Thing> list() {
            return states.keySet().stream().sorted().map(this::get).toList();
        }

        @Override
        public Thing enroll(ThingId id, String owner, RootCredential rootCredential) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Thing transition(ThingId id, Transition transition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Thing recommission(ThingId id, String newOwner, RootCredential freshRootCredential) {
            throw new UnsupportedOperationException();
        }
    }

    private static final class Sink implements PropertySink {
        final Map<ThingId, List<PropertyDescriptor>> described = new HashMap<>();
        final List<String> updates = new ArrayList<>();
        final List<ThingId> unavailable = new ArrayList<>();

        @Override
        public void describe(ThingId thing, List<PropertyDescriptor> properties) {
            described.put(thing, properties);
        }

        @Override
        public void update(ThingId thing, String property, Object value, Origin origin) {
            updates.add(thing + "/" + property + "=" + value + "/" + origin);
        }

        @Override
        public void unavailable(ThingId thing) {
            unavailable.add(thing);
        }

        @Override
        public void remove(ThingId thing) {
            described.remove(thing);
        }
    }

    private static final class Refusals implements SecurityRefusals {
        final List<RefusalReason> reasons = new ArrayList<>();

        @Override
        public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
            reasons.add(reason);
        }

        @Override
        public List<RefusalCount> counts() {
            return List.of();
        }

        @Override
        public List<RefusalCount> counts(ThingId thing) {
            return List.of();
        }

        @Override
        public void clear(ThingId thing) {
        }
    }

    private static final class Policy implements SecurityPolicy {
        Protection inbound = Protection.NONE;

        @Override
        public Protection inbound(ThingId thing, String protocol) {
            return inbound;
        }

        @Override
        public Protection outbound(ThingId thing, String protocol) {
            return Protection.NONE;
        }

        @Override
        public boolean mayRead(ThingId caller, ThingId target, String property) {
            return false;
        }

        @Override
        public boolean mayWrite(ThingId caller, ThingId target, String property) {
            return false;
        }

        @Override
        public boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes) {
            return false;
        }

        @Override
        public boolean mayPair(ThingId thing, ThingId peer) {
            return false;
        }
    }
}
