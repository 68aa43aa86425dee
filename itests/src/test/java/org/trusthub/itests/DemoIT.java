package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.testkit.Await;

/**
 * The first start that shows itself: the hub boots without the demo; installing {@code trusthub-demo} brings up the
 * SIMULATED home (every demo thing enrolled, OPERATIONAL, labelled SIMULATED, with a value that changes in the thing
 * model: the temperatures, the ZigBee lamp's on/off), and uninstalling it decommissions every demo thing and removes the simulated adapter it configured.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DemoIT {

    private static final String OWNER = "SIMULATED-demo";
    /** Each demo thing and the property of it that changes. */
    private static final Map<ThingId, String> DEMO_THINGS = Map.of(ThingId.of("sim-coap-thermostat"), "temperature",
            ThingId.of("ble-c0514d000001"), "temperature", ThingId.of("zigbee:00124b00de000001"), "on",
            ThingId.of("zigbee:00124b00de000002"), "temperature");
    /** The demo's promise: a living home within a minute of the start (generous here for a loaded machine). */
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Inject
    @Filter(timeout = 60_000)
    FeaturesService features;

    @Inject
    @Filter(timeout = 60_000)
    ThingRegistry registry;

    @Inject
    @Filter(timeout = 60_000)
    ConfigurationAdmin configAdmin;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @Inject
    BundleContext context;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return HubOptions.hub();
    }

    @Test
    public void theDemoBringsUpASimulatedHomeAndTakesItAwayAgain() throws Exception {
        assertFalse("a hub boots without the demo", features.isInstalled(features.getFeature("trusthub-demo")));
        assertTrue("no demo thing before the demo", registry.list().stream().noneMatch(t -> t.owner().equals(OWNER)));

        features.installFeature("trusthub-demo", EnumSet.noneOf(FeaturesService.Option.class));
        Map<ThingId, Thing> up = Await.until("every demo thing OPERATIONAL", DEADLINE, this::demoThings,
                things -> things.keySet().equals(DEMO_THINGS.keySet())
                        && things.values().stream().allMatch(t -> t.state() == LifecycleState.OPERATIONAL));
        for (Thing t : up.values()) {
            assertTrue(t.id() + " is labelled SIMULATED: " + t.owner(), t.owner().contains("SIMULATED"));
        }
        ThingModelRegistry models = Await.until("the thing model", Duration.ofSeconds(60), () -> {
            var refs = context.getServiceReferences(ThingModelRegistry.class, null);
            return refs.isEmpty() ? null : context.getService(refs.iterator().next());
        }, m -> m != null);
        for (Map.Entry<ThingId, String> e : DEMO_THINGS.entrySet()) {
            ThingId thing = e.getKey();
            String property = e.getValue();
            Object first = Await.until(thing + "'s first " + property + " in the model", DEADLINE,
                    () -> value(models, thing, property), Optional::isPresent).get();
            Await.until(thing + "'s " + property + " to change from " + first, DEADLINE,
                    () -> value(models, thing, property), v -> v.isPresent() && !v.get().equals(first));
        }
        Shell shell = new Shell(sessionFactory);
        String list = shell.run("trusthub:thing-list");
        for (ThingId thing : DEMO_THINGS.keySet()) {
            assertTrue(list, list.lines().anyMatch(l -> l.contains(thing.value()) && l.contains(OWNER)
                    && l.contains("OPERATIONAL")));
        }

        features.uninstallFeature("trusthub-demo", EnumSet.noneOf(FeaturesService.Option.class));
        Map<ThingId, Thing> gone = Await.until("every demo thing decommissioned", DEADLINE, this::demoThings,
                things -> things.values().stream().allMatch(t -> t.state() == LifecycleState.DECOMMISSIONED));
        assertEquals(DEMO_THINGS.keySet(), gone.keySet());
        assertNull("the SIMULATED adapter the demo configured is gone",
                configAdmin.getConfiguration("org.trusthub.binding.bluetooth.simulated", "?").getProperties());
    }

    private Map<ThingId, Thing> demoThings() {
        return registry.list().stream().filter(t -> t.owner().equals(OWNER))
                .collect(Collectors.toMap(Thing::id, t -> t, (a, b) -> a, TreeMap::new));
    }

    private static Optional<Object> value(ThingModelRegistry models, ThingId thing, String property) {
        return models.model(thing).flatMap(m -> m.property(property)).flatMap(Property::value)
                .map(PropertyValue::value);
    }

}
