package ${package}.internal;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.model.InvalidValueException;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;

/**
 * The ${bindingName} binding: serves the things its configuration describes ({@link ThingDescriptions}), publishes
 * what they send into the hub's thing model and takes the model's writes to them.
 *
 * <p>
 * Every value a thing sends goes through {@link #accept}: the sender must be authenticated by the transport (an
 * {@link Authenticated}), OPERATIONAL in the thing registry, protected as the {@link SecurityPolicy} requires for
 * protocol {@value #PROTOCOL}, and the payload must parse as the property's type. Anything else is refused with one
 * {@link RefusalReason}, counted in {@link SecurityRefusals} and logged at a bounded rate. The policy and the refusal
 * count are optional dynamic references: while the policy is absent every value is refused (fail closed).
 *
 * <p>
 * Fill in the transport: open it in {@link #activate}, hand each authenticated message to {@link #accept}, send
 * writes in {@link #write}, and close a thing's sessions in {@link #release}.
 */
@Component(service = { ProtocolBinding.class, PropertyProvider.class, ${bindingClass}Binding.class },
        configurationPid = ${bindingClass}Binding.PID, immediate = true,
        property = { ProtocolBinding.PROTOCOL + "=" + ${bindingClass}Binding.PROTOCOL,
            ProtocolBinding.SIMULATED + ":Boolean=false" })
@Designate(ocd = ${bindingClass}Config.class)
public final class ${bindingClass}Binding implements ProtocolBinding, PropertyProvider {

    /** The configuration PID: {@code etc/${package}.cfg}. */
    public static final String PID = "${package}";
    /** The protocol name, as policy rules and the model name it. */
    public static final String PROTOCOL = "${bindingName}";
    private static final Logger LOG = LoggerFactory.getLogger(${bindingClass}Binding.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityPolicy policy;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityRefusals refusals;

    private final ThingRegistry registry;
    // Lines a sender can cause: at most 5 a minute per reason, never with a stack trace.
    private final LogLimiter limiter = new LogLimiter(Duration.ofMinutes(1), 5);
    private volatile ThingDescriptions described;
    private volatile PropertySink sink;

    @Activate
    public ${bindingClass}Binding(@Reference ThingRegistry registry, ${bindingClass}Config config) {
        this.registry = registry;
        this.described = ThingDescriptions.parse(config.things());
        LOG.info("${bindingName} binding up: {} things described", described.things().size());
    }

    /** A new description applies at once: the model sees the things described now. */
    @Modified
    void modified(${bindingClass}Config config) {
        described = ThingDescriptions.parse(config.things());
        PropertySink s = sink;
        if (s != null) {
            describeAll(s);
        }
    }

    @Deactivate
    void deactivate() {
        sink = null;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public String binding() {
        return PROTOCOL;
    }

    @Override
    public boolean isSimulated() {
        return false;
    }

    @Override
    public Set<ThingId> things() {
        return Set.copyOf(described.things().keySet());
    }

    /** The things described, with their properties. */
    public Map<ThingId, List<PropertyDescriptor>> described() {
        return described.things();
    }

    /**
     * Closes the thing's sessions at once. Its values go UNAVAILABLE in the model until it is operational again and
     * sends.
     */
    @Override
    public void release(ThingId thing) {
        PropertySink s = sink;
        if (s != null && described.things().containsKey(thing)) {
            s.unavailable(thing);
        }
    }

    @Override
    public void attach(PropertySink sink) {
        this.sink = sink;
        describeAll(sink);
    }

    @Override
    public void detach(PropertySink sink) {
        if (this.sink == sink) {
            this.sink = null;
        }
    }

    private void describeAll(PropertySink s) {
        described.things().forEach((thing, properties) -> {
            try {
                s.describe(thing, properties);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // not enrolled (yet), decommissioned, or owned by another binding: the operator sees why
                LOG.warn("${bindingName} binding cannot describe {} in the model: {}", thing, e.getMessage());
            }
        });
    }

    /**
     * A value a thing sent, authenticated by the transport: checked and published into the model.
     *
     * @param from who sent it and how it was protected
     * @param property the property it is for
     * @param payload the value as UTF-8 text, in the form an operator types ({@code on}, {@code 42}, {@code 21.5})
     * @return empty when the value reached the model; otherwise why it was refused (counted and logged)
     */
    public Optional<RefusalReason> accept(Authenticated from, String property, byte[] payload) {
        ThingId thing = from.thing();
        Optional<LifecycleState> state = registry.find(thing).map(Thing::state);
        if (state.isEmpty()) {
            return refuse(Optional.empty(), from, RefusalReason.UNKNOWN_KEY, "sender is no enrolled thing");
        }
        if (state.get() != LifecycleState.OPERATIONAL) {
            return refuse(Optional.of(thing), from, RefusalReason.NOT_OPERATIONAL, "thing is " + state.get());
        }
        SecurityPolicy p = policy;
        if (p == null) {
            return refuse(Optional.of(thing), from, RefusalReason.NOT_OPERATIONAL, "no security policy");
        }
        if (!from.protection().satisfies(p.inbound(thing, PROTOCOL))) {
            return refuse(Optional.of(thing), from, RefusalReason.POLICY, "protection " + from.protection()
                    + " is below the policy's " + p.inbound(thing, PROTOCOL));
        }
        PropertyDescriptor descriptor = described.property(thing, property);
        if (descriptor == null) {
            return refuse(Optional.of(thing), from, RefusalReason.MALFORMED, "no such property");
        }
        Object value;
        try {
            value = descriptor.parse(utf8(payload));
        } catch (InvalidValueException | CharacterCodingException e) {
            return refuse(Optional.of(thing), from, RefusalReason.MALFORMED, "payload is no "
                    + descriptor.type() + " value");
        }
        PropertySink s = sink;
        if (s != null) {
            s.update(thing, property, value, Origin.REPORT);
        }
        return Optional.empty();
    }

    /** Sends the model's write to the thing. */
    @Override
    public void write(ThingId thing, PropertyDescriptor property, Object value) {
        throw new PropertyWriteException(thing, property.id(), "the ${bindingName} binding sends no writes yet");
    }

    private Optional<RefusalReason> refuse(Optional<ThingId> thing, Authenticated from, RefusalReason reason,
            String why) {
        SecurityRefusals r = refusals;
        if (r != null) {
            r.refused(thing, from.layer(), PROTOCOL, reason);
        }
        // The reason text is ours, never the sender's: it cannot forge log lines.
        limiter.admit(reason + why).ifPresent(left -> LOG.warn("${bindingName} value from {} refused ({}): {}; {} "
                + "like it not logged before", thing.map(ThingId::value).orElse("an unknown sender"), reason, why,
                left));
        return Optional.of(reason);
    }

    private static String utf8(byte[] payload) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
    }
}
