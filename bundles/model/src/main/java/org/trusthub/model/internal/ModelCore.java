package org.trusthub.model.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.model.InvalidValueException;
import org.trusthub.api.model.ModelEvents;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyType;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.model.Quality;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;

/**
 * The model without OSGi: things' properties and last values, owned by the bindings that described them. Every
 * change is made under one lock and posted after it; writes go to the owning binding outside the lock, so a binding
 * may publish the value it read back while the write is still returning.
 */
public final class ModelCore implements ThingModelRegistry, AutoCloseable {

    /** Most properties one thing may have. */
    static final int MAX_PROPERTIES = 32;

    private static final Logger LOG = LoggerFactory.getLogger(ModelCore.class);

    /** Where events go: EventAdmin in OSGi, a list in tests. Must not block. */
    @FunctionalInterface
    public interface EventSink {
        void post(String topic, Map<String, Object> properties);
    }

    private final EventSink events;
    private final Function<ThingId, Optional<LifecycleState>> states;
    private final Clock clock;
    private final Map<ThingId, Entry> entries = new HashMap<>();
    private final Map<PropertyProvider, BindingSink> sinks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();

    /**
     * @param states a thing's lifecycle state as the registry knows it (empty: not enrolled)
     */
    public ModelCore(EventSink events, Function<ThingId, Optional<LifecycleState>> states, Clock clock) {
        this.events = Objects.requireNonNull(events);
        this.states = Objects.requireNonNull(states);
        this.clock = Objects.requireNonNull(clock);
    }

    private static final class Entry {
        final ThingId thing;
        BindingSink owner;
        boolean available;
        final LinkedHashMap<String, Property> properties = new LinkedHashMap<>();

        Entry(ThingId thing, BindingSink owner) {
            this.thing = thing;
            this.owner = owner;
        }

        ThingModel snapshot() {
            return new ThingModel(thing, owner.binding, owner.simulated, available,
                    new ArrayList<>(properties.values()));
        }
    }

    // ------------------------------------------------------------------------------------------ providers

    /** A provider appeared: it gets its own sink and describes its things. */
    public void attach(PropertyProvider provider) {
        BindingSink sink = new BindingSink(provider);
        if (sinks.putIfAbsent(provider, sink) != null) {
            return;
        }
        LOG.info("thing model: binding {}{} attached", sink.binding, sink.simulated ? " (SIMULATED)" : "");
        try {
            provider.attach(sink);
        } catch (RuntimeException e) {
            LOG.warn("thing model: binding {} failed while attaching: {}", sink.binding, e.toString());
        }
    }

    /** A provider went away (its bundle stopped): its things stay, every value UNAVAILABLE, writes refused. */
    public void detach(PropertyProvider provider) {
        BindingSink sink = sinks.remove(provider);
        if (sink == null) {
            return;
        }
        List<Runnable> posts = new ArrayList<>();
        synchronized (this) {
            sink.open = false;
            for (Entry e : entries.values()) {
                if (e.owner == sink) {
                    markUnavailable(e, posts);
                }
            }
        }
        posts.forEach(Runnable::run);
        LOG.info("thing model: binding {} detached; its things are UNAVAILABLE", sink.binding);
        try {
            provider.detach(sink);
        } catch (RuntimeException e) {
            LOG.debug("thing model: binding {} failed while detaching: {}", sink.binding, e.toString());
        }
    }

    /** The thing's model goes (it was decommissioned): nothing of it stays, whichever binding owned it. */
    public void remove(ThingId thing) {
        Entry gone;
        synchronized (this) {
            gone = entries.remove(thing);
        }
        if (gone != null) {
            postRemoved(gone);
        }
    }

    @Override
    public void close() {
        List.copyOf(sinks.keySet()).forEach(this::detach);
    }

    /** Values and descriptions refused from bindings, by reason. */
    public Map<String, Long> refusals() {
        Map<String, Long> out = new TreeMap<>();
        refusals.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    // -------------------------------------------------------------------------------------------- reading

    @Override
    public synchronized Optional<ThingModel> model(ThingId thing) {
        Entry e = entries.get(thing);
        return e == null ? Optional.empty() : Optional.of(e.snapshot());
    }

    @Override
    public synchronized List<ThingModel> models() {
        return entries.values().stream().sorted(Comparator.comparing(e -> e.thing)).map(Entry::snapshot).toList();
    }

    // -------------------------------------------------------------------------------------------- writing

    @Override
    public Property write(ThingId thing, String property, Object value) {
        Target t = target(thing, property);
        Object checked = t.descriptor.validate(value);
        send(thing, t, () -> t.provider.write(thing, t.descriptor, checked));
        return current(thing, property);
    }

    @Override
    public Property writeText(ThingId thing, String property, String text) {
        Target t = target(thing, property);
        Object checked = t.descriptor.parse(text);
        send(thing, t, () -> t.provider.write(thing, t.descriptor, checked));
        return current(thing, property);
    }

    @Override
    public Property toggle(ThingId thing, String property) {
        Target t = target(thing, property);
        if (t.descriptor.type() != PropertyType.SWITCH) {
            throw new PropertyWriteException(thing, property, "property '" + property + "' of " + thing + " is "
                    + t.descriptor.type() + ": only a SWITCH toggles");
        }
        boolean[] toggled = new boolean[1];
        send(thing, t, () -> toggled[0] = t.provider.toggle(thing, t.descriptor));
        if (!toggled[0]) {
            if (t.last == null) {
                throw new PropertyWriteException(thing, property, "cannot toggle '" + property + "' of " + thing
                        + ": binding " + t.binding + " has no toggle command and no value is known yet");
            }
            send(thing, t, () -> t.provider.write(thing, t.descriptor, !((Boolean) t.last.value())));
        }
        return current(thing, property);
    }

    @Override
    public void refresh(ThingId thing) {
        PropertyProvider provider;
        synchronized (this) {
            Entry e = described(thing);
            requireServed(e, null);
            provider = e.owner.provider;
        }
        provider.refresh(thing);
    }

    // The binding's own failures reach the writer as a PropertyWriteException naming the binding.
    private static void send(ThingId thing, Target t, Runnable write) {
        try {
            write.run();
        } catch (PropertyWriteException | InvalidValueException e) {
            throw e; // the binding's own refusal (a value the device cannot take) already says what is wrong
        } catch (RuntimeException e) {
            throw new PropertyWriteException(thing, t.descriptor.id(), "binding " + t.binding + " could not write '"
                    + t.descriptor.id() + "' of " + thing + ": " + (e.getMessage() == null ? e.getClass()
                            .getSimpleName() : e.getMessage()), e);
        }
    }

    private record Target(PropertyDescriptor descriptor, PropertyProvider provider, String binding,
            PropertyValue last) {
    }

    // Everything a write needs, checked in the order an operator would fix it; nothing is sent before all pass.
    private synchronized Target target(ThingId thing, String property) {
        Entry e = described(thing);
        Property p = e.properties.get(property);
        if (p == null) {
            throw new IllegalArgumentException("thing " + thing + " has no property '" + printable(property)
                    + "'; it has " + String.join(", ", e.properties.keySet()));
        }
        if (!p.descriptor().writable()) {
            throw new PropertyWriteException(thing, property, "property '" + property + "' of " + thing
                    + " is read-only");
        }
        requireServed(e, property);
        Optional<LifecycleState> state = states.apply(thing);
        if (state.isEmpty() || !state.get().isOperational()) {
            throw new PropertyWriteException(thing, property, "thing " + thing + " is "
                    + state.map(Enum::name).orElse("not enrolled") + ": only OPERATIONAL things accept writes");
        }
        return new Target(p.descriptor(), e.owner.provider, e.owner.binding, p.last());
    }

    private Entry described(ThingId thing) {
        Entry e = entries.get(Objects.requireNonNull(thing, "thing"));
        if (e == null) {
            throw new IllegalArgumentException("thing " + thing + " has no model: no binding describes it");
        }
        return e;
    }

    private void requireServed(Entry e, String property) {
        if (!e.owner.open) {
            throw new PropertyWriteException(e.thing, property, "thing " + e.thing + " is UNAVAILABLE: binding "
                    + e.owner.binding + " is not running");
        }
        if (!e.available) {
            throw new PropertyWriteException(e.thing, property, "thing " + e.thing + " is UNAVAILABLE: binding "
                    + e.owner.binding + " cannot reach it now");
        }
    }

    private synchronized Property current(ThingId thing, String property) {
        Entry e = entries.get(thing);
        Property p = e == null ? null : e.properties.get(property);
        if (p == null) {
            throw new PropertyWriteException(thing, property, "thing " + thing + " was removed during the write");
        }
        return p;
    }

    // -------------------------------------------------------------------------------------- from bindings

    /** One binding's sink: it describes and updates only the things it owns, and nothing once detached. */
    final class BindingSink implements PropertySink {
        final PropertyProvider provider;
        final String binding;
        final boolean simulated;
        volatile boolean open = true;

        BindingSink(PropertyProvider provider) {
            this.provider = provider;
            this.binding = String.valueOf(provider.binding());
            this.simulated = provider.isSimulated();
        }

        @Override
        public void describe(ThingId thing, List<PropertyDescriptor> properties) {
            ModelCore.this.describe(this, thing, properties);
        }

        @Override
        public void update(ThingId thing, String property, Object value, Origin origin) {
            ModelCore.this.update(this, thing, property, value, origin, null);
        }

        @Override
        public void update(ThingId thing, String property, Object value, Origin origin, Protection arrived) {
            ModelCore.this.update(this, thing, property, value, origin, Objects.requireNonNull(arrived, "arrived"));
        }

        @Override
        public void unavailable(ThingId thing) {
            ModelCore.this.unavailable(this, thing);
        }

        @Override
        public void remove(ThingId thing) {
            ModelCore.this.removeOwned(this, thing);
        }

        @Override
        public String toString() {
            return "PropertySink[" + binding + (open ? "" : ", detached") + "]";
        }
    }

    private void describe(BindingSink sink, ThingId thing, List<PropertyDescriptor> descriptors) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(descriptors, "properties");
        if (descriptors.isEmpty() || descriptors.size() > MAX_PROPERTIES) {
            throw refuse("describe", "thing " + thing + " must have 1 to " + MAX_PROPERTIES + " properties, "
                    + descriptors.size() + " given");
        }
        Set<String> ids = new HashSet<>();
        for (PropertyDescriptor d : descriptors) {
            if (!ids.add(Objects.requireNonNull(d, "property").id())) {
                throw refuse("describe", "thing " + thing + " lists property '" + d.id() + "' twice");
            }
        }
        Optional<LifecycleState> state = states.apply(thing);
        if (state.isEmpty() || state.get() == LifecycleState.DECOMMISSIONED) {
            throw refuse("describe", "thing " + thing + " is " + state.map(s -> "DECOMMISSIONED")
                    .orElse("not enrolled") + ": it gets no model");
        }
        List<Runnable> posts = new ArrayList<>();
        synchronized (this) {
            requireOpen(sink);
            Entry e = entries.get(thing);
            if (e != null && e.owner != sink && e.owner.open) {
                throw refuse("describe", "thing " + thing + " belongs to binding " + e.owner.binding
                        + "; binding " + sink.binding + " cannot describe it");
            }
            boolean fresh = e == null;
            boolean changed = fresh || e.owner != sink || !sameDescriptors(e, descriptors);
            if (fresh) {
                e = new Entry(thing, sink);
                entries.put(thing, e);
            }
            e.owner = sink;
            if (changed) {
                Map<String, Property> before = new HashMap<>(e.properties);
                e.properties.clear();
                for (PropertyDescriptor d : descriptors) {
                    Property old = before.get(d.id());
                    // A value survives only under the same descriptor: a new type or range makes it meaningless.
                    e.properties.put(d.id(), new Property(d, old != null && old.descriptor().equals(d)
                            ? old.last() : null));
                }
                ThingModel m = e.snapshot();
                posts.add(() -> events.post(ModelEvents.THING_DESCRIBED, thingEvent(m)));
            }
            if (!e.available) {
                e.available = true;
                ThingModel m = e.snapshot();
                posts.add(() -> events.post(ModelEvents.THING_AVAILABILITY, thingEvent(m)));
            }
        }
        posts.forEach(Runnable::run);
    }

    private static boolean sameDescriptors(Entry e, List<PropertyDescriptor> descriptors) {
        List<PropertyDescriptor> now = e.properties.values().stream().map(Property::descriptor).toList();
        return now.equals(descriptors);
    }

    /** @param arrived the protection the value came under, null when the binding did not say */
    private void update(BindingSink sink, ThingId thing, String property, Object value, Origin origin,
            Protection arrived) {
        Objects.requireNonNull(origin, "origin");
        Runnable post;
        synchronized (this) {
            requireOpen(sink);
            Entry e = owned(sink, thing, "update");
            Property p = e.properties.get(property);
            if (p == null) {
                throw refuse("update", "thing " + thing + " has no property '" + printable(String.valueOf(property))
                        + "'");
            }
            Object checked;
            try {
                checked = p.descriptor().validate(value);
            } catch (InvalidValueException ex) {
                count("update.invalid-value");
                LOG.warn("thing model: binding {} sent a value for {} that does not fit: {}", sink.binding, thing,
                        ex.getMessage());
                throw ex;
            }
            PropertyValue next = new PropertyValue(checked, clock.instant(), Quality.GOOD, origin, arrived);
            PropertyValue last = p.last();
            e.properties.put(property, new Property(p.descriptor(), next));
            List<Runnable> availability = new ArrayList<>();
            if (!e.available) {
                // a value from the thing means it is reachable again; the others stay UNAVAILABLE until they come
                e.available = true;
                ThingModel m = e.snapshot();
                availability.add(() -> events.post(ModelEvents.THING_AVAILABILITY, thingEvent(m)));
            }
            boolean changed = last == null || !last.value().equals(checked) || last.quality() != Quality.GOOD;
            ThingModel m = e.snapshot();
            post = () -> {
                availability.forEach(Runnable::run);
                if (changed) {
                    events.post(ModelEvents.PROPERTY_CHANGED, propertyEvent(m, p.descriptor(), next));
                }
            };
        }
        post.run();
    }

    private void unavailable(BindingSink sink, ThingId thing) {
        List<Runnable> posts = new ArrayList<>();
        synchronized (this) {
            requireOpen(sink);
            markUnavailable(owned(sink, thing, "unavailable"), posts);
        }
        posts.forEach(Runnable::run);
    }

    private void removeOwned(BindingSink sink, ThingId thing) {
        Entry gone;
        synchronized (this) {
            requireOpen(sink);
            Entry e = entries.get(thing);
            if (e == null) {
                return;
            }
            if (e.owner != sink) {
                throw refuse("remove", "thing " + thing + " belongs to binding " + e.owner.binding);
            }
            gone = entries.remove(thing);
        }
        postRemoved(gone);
    }

    private void markUnavailable(Entry e, List<Runnable> posts) {
        if (!e.available && e.properties.values().stream().allMatch(p -> p.last() == null
                || p.last().quality() == Quality.UNAVAILABLE)) {
            return;
        }
        e.available = false;
        List<PropertyValue> changed = new ArrayList<>();
        List<PropertyDescriptor> of = new ArrayList<>();
        for (Map.Entry<String, Property> me : e.properties.entrySet()) {
            PropertyValue last = me.getValue().last();
            if (last != null && last.quality() != Quality.UNAVAILABLE) {
                PropertyValue stale = last.withQuality(Quality.UNAVAILABLE);
                me.setValue(new Property(me.getValue().descriptor(), stale));
                changed.add(stale);
                of.add(me.getValue().descriptor());
            }
        }
        ThingModel m = e.snapshot();
        posts.add(() -> events.post(ModelEvents.THING_AVAILABILITY, thingEvent(m)));
        for (int i = 0; i < changed.size(); i++) {
            PropertyDescriptor d = of.get(i);
            PropertyValue v = changed.get(i);
            posts.add(() -> events.post(ModelEvents.PROPERTY_CHANGED, propertyEvent(m, d, v)));
        }
    }

    private Entry owned(BindingSink sink, ThingId thing, String what) {
        Entry e = entries.get(Objects.requireNonNull(thing, "thing"));
        if (e == null || e.owner != sink) {
            throw refuse(what, "thing " + thing + " was not described by binding " + sink.binding);
        }
        return e;
    }

    private void requireOpen(BindingSink sink) {
        if (!sink.open) {
            count("detached");
            throw new IllegalStateException("binding " + sink.binding + " is detached from the thing model");
        }
    }

    private IllegalArgumentException refuse(String what, String message) {
        count(what);
        return new IllegalArgumentException(message);
    }

    private void count(String what) {
        refusals.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    // ---------------------------------------------------------------------------------------------- events

    private void postRemoved(Entry gone) {
        Map<String, Object> p = new HashMap<>();
        p.put(ModelEvents.THING, gone.thing.value());
        p.put(ModelEvents.BINDING, gone.owner.binding);
        p.put(ModelEvents.TIMESTAMP, clock.millis());
        events.post(ModelEvents.THING_REMOVED, p);
    }

    private Map<String, Object> thingEvent(ThingModel m) {
        Map<String, Object> p = new HashMap<>();
        p.put(ModelEvents.THING, m.thing().value());
        p.put(ModelEvents.BINDING, m.binding());
        p.put(ModelEvents.SIMULATED, m.simulated());
        p.put(ModelEvents.AVAILABLE, m.available());
        p.put(ModelEvents.PROPERTY, m.properties().stream().map(Property::id).collect(Collectors.joining(",")));
        p.put(ModelEvents.TIMESTAMP, clock.millis());
        return p;
    }

    private static Map<String, Object> propertyEvent(ThingModel m, PropertyDescriptor d, PropertyValue v) {
        Map<String, Object> p = new HashMap<>();
        p.put(ModelEvents.THING, m.thing().value());
        p.put(ModelEvents.PROPERTY, d.id());
        p.put(ModelEvents.VALUE, v.value());
        p.put(ModelEvents.TYPE, d.type().name());
        p.put(ModelEvents.UNIT, d.unit());
        p.put(ModelEvents.QUALITY, v.quality().name());
        p.put(ModelEvents.ORIGIN, v.origin().name());
        p.put(ModelEvents.BINDING, m.binding());
        p.put(ModelEvents.SIMULATED, m.simulated());
        p.put(ModelEvents.AVAILABLE, m.available());
        p.put(ModelEvents.TIMESTAMP, v.timestamp().toEpochMilli());
        return p;
    }

    // Echoed names must not forge log lines or console output.
    static String printable(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(64).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return text.length() > 64 ? b + "..." : b.toString();
    }
}
