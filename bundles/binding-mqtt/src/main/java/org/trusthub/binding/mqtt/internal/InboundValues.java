package org.trusthub.binding.mqtt.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.model.InvalidValueException;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;

/**
 * The checks on every value a thing sends, in order: the sender is an enrolled thing in OPERATIONAL, a security
 * policy is there and the message's protection satisfies its inbound requirement for {@value MqttBinding#PROTOCOL},
 * the property is one the thing was described with, and the payload (at most {@value MqttBinding#MAX_PAYLOAD} bytes
 * of UTF-8) parses as its type. A refusal is counted under mechanism {@value MqttBinding#PROTOCOL} and logged at a
 * bounded rate, without the payload; it changes nothing in the model.
 */
final class InboundValues {

    private static final Logger LOG = LoggerFactory.getLogger(InboundValues.class);

    private final ThingRegistry registry;
    private final ThingDescriptions described;
    private final Supplier<SecurityPolicy> policy;
    private final Supplier<SecurityRefusals> refusals;
    private final Supplier<PropertySink> sink;
    private final LogLimiter limiter;

    InboundValues(ThingRegistry registry, ThingDescriptions described, Supplier<SecurityPolicy> policy,
            Supplier<SecurityRefusals> refusals, Supplier<PropertySink> sink, LogLimiter limiter) {
        this.registry = registry;
        this.described = described;
        this.policy = policy;
        this.refusals = refusals;
        this.sink = sink;
        this.limiter = limiter;
    }

    /**
     * @param from who sent it and how it was protected
     * @param property the property it is for
     * @param payload the value as UTF-8 text, in the form an operator types ({@code on}, {@code 42}, {@code 21.5})
     * @return empty when the value reached the model; otherwise why it was refused
     */
    Optional<RefusalReason> accept(Authenticated from, String property, byte[] payload) {
        ThingId thing = from.thing();
        Optional<LifecycleState> state = registry.find(thing).map(Thing::state);
        if (state.isEmpty()) {
            return refuse(Optional.empty(), from, RefusalReason.UNKNOWN_KEY, "sender is no enrolled thing");
        }
        if (state.get() != LifecycleState.OPERATIONAL) {
            return refuse(Optional.of(thing), from, RefusalReason.NOT_OPERATIONAL, "thing is " + state.get());
        }
        SecurityPolicy p = policy.get();
        if (p == null) {
            return refuse(Optional.of(thing), from, RefusalReason.NOT_OPERATIONAL, "no security policy");
        }
        if (!from.protection().satisfies(p.inbound(thing, MqttBinding.PROTOCOL))) {
            return refuse(Optional.of(thing), from, RefusalReason.POLICY, "protection " + from.protection()
                    + " is below the policy's " + p.inbound(thing, MqttBinding.PROTOCOL));
        }
        PropertyDescriptor descriptor = described.property(thing, property);
        if (descriptor == null) {
            return refuse(Optional.of(thing), from, RefusalReason.MALFORMED, "no such property");
        }
        if (payload.length > MqttBinding.MAX_PAYLOAD) {
            return refuse(Optional.of(thing), from, RefusalReason.MALFORMED, "payload of " + descriptor.id()
                    + " longer than " + MqttBinding.MAX_PAYLOAD + " bytes");
        }
        Object value;
        try {
            value = descriptor.parse(utf8(payload));
        } catch (InvalidValueException | CharacterCodingException e) {
            return refuse(Optional.of(thing), from, RefusalReason.MALFORMED, "payload is no " + descriptor.type()
                    + " value for " + descriptor.id());
        }
        PropertySink s = sink.get();
        if (s != null) {
            s.update(thing, property, value, Origin.REPORT);
        }
        return Optional.empty();
    }

    private Optional<RefusalReason> refuse(Optional<ThingId> thing, Authenticated from, RefusalReason reason,
            String why) {
        SecurityRefusals r = refusals.get();
        if (r != null) {
            r.refused(thing, from.layer(), MqttBinding.PROTOCOL, reason);
        }
        // The text is ours (enrolled ids, described properties), never the sender's: it cannot forge log lines.
        limiter.admit(reason + why).ifPresent(left -> LOG.warn("MQTT value from {} refused ({}): {}; {} like it not "
                + "logged before", thing.map(ThingId::value).orElse("an unknown sender"), reason, why, left));
        return Optional.of(reason);
    }

    private static String utf8(byte[] payload) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
    }
}
