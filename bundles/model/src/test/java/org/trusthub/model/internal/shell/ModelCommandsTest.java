package org.trusthub.model.internal.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.ModelCore;

/** The commands against the real model, registry and keystore, with a binding whose lamp obeys. */
class ModelCommandsTest {

    static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    ThingRegistryCore registry;
    ModelCore model;
    PropertySink sink;
    final List<String> sent = new ArrayList<>();
    final ThingId lamp = ThingId.of("zigbee:00124b0000000a01");

    @BeforeEach
    void open() throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE,
                Clock.systemUTC());
        model = new ModelCore((t, p) -> { }, id -> registry.find(id).map(Thing::state),
                Clock.fixed(NOW.minusSeconds(90), ZoneOffset.UTC));
        registry.enroll(lamp, "alice", RootCredential.secret(new byte[32]));
        registry.transition(lamp, Transition.BOOTSTRAP);
        registry.transition(lamp, Transition.ACTIVATE);
        model.attach(new PropertyProvider() {
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
            }

            @Override
            public void write(ThingId thing, PropertyDescriptor property, Object value) {
                sent.add(property.id() + "=" + value);
                sink.update(thing, property.id(), value, Origin.READ);
            }
        });
        sink.describe(lamp, List.of(PropertyDescriptor.onOff(), PropertyDescriptor.level(),
                PropertyDescriptor.temperature()));
        sink.update(lamp, "temperature", 21.5, Origin.REPORT);
    }

    @AfterEach
    void close() {
        model.close();
        registry.close();
        keystore.close();
    }

    @Test
    void thingPropertiesShowsValuesUnitsAgesAndTheSimulatedBinding() throws Exception {
        ThingPropertiesCommand c = new ThingPropertiesCommand();
        c.model = model;
        c.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        String out = run(c);
        String row = out.lines().filter(l -> l.contains("temperature")).findFirst().orElseThrow();
        assertTrue(row.matches(".*zigbee:00124b0000000a01 +\\| temperature +\\| TEMPERATURE +\\| +\\| +21\\.5 \\| "
                + "\u00b0C +\\| +90s \\| GOOD +\\| REPORT +\\| zigbee \\(SIMULATED\\).*"), row);
        String on = out.lines().filter(l -> l.contains("| on ")).findFirst().orElseThrow();
        assertTrue(on.matches(".*\\| W +\\| +- \\|.*"), "writable, no value yet: " + on);

        ThingPropertiesCommand one = new ThingPropertiesCommand();
        one.model = model;
        one.thing = "lamp-2";
        assertEquals("Error: thing lamp-2 has no model: no binding describes it", fail(one));
    }

    @Test
    void thingSetWritesThroughTheBindingAndRefusesBadValues() throws Exception {
        assertEquals("zigbee:00124b0000000a01 level = 40 % (GOOD, READ) via zigbee (SIMULATED)\n",
                run(set("level", "40")));
        assertEquals("zigbee:00124b0000000a01 on = on (GOOD, READ) via zigbee (SIMULATED)\n", run(set("on", "on")));
        assertEquals("zigbee:00124b0000000a01 on = off (GOOD, READ) via zigbee (SIMULATED)\n",
                run(set("on", "toggle")));
        assertEquals(List.of("level=40", "on=true", "on=false"), sent);

        assertEquals("Error: property 'level' (LEVEL) refuses '140': it takes a whole number from 0 to 100 %",
                fail(set("level", "140")));
        assertEquals("Error: property 'temperature' of zigbee:00124b0000000a01 is read-only",
                fail(set("temperature", "30")));
        assertEquals("Error: property 'on' (SWITCH) refuses 'bright\\u001b[2J': it takes on or off",
                fail(set("on", "bright\u001b[2J")));
        assertEquals(3, sent.size(), "nothing refused was sent");
    }

    @Test
    void valueSuggestionsFollowTheType() {
        assertEquals(List.of("on", "off", "toggle"), ValueCompleter.suggestions(PropertyDescriptor.onOff()));
        assertEquals(List.of("1", "65535"), ValueCompleter.suggestions(PropertyDescriptor.number("interval", null,
                "s", true, 1.0, 65535.0)));
    }

    @Test
    void completionOffersThingsTheirWritablePropertiesAndValues() {
        ModelThingCompleter things = new ModelThingCompleter();
        things.model = model;
        assertEquals(List.of("zigbee:00124b0000000a01 "), complete(things, "trusthub:thing-set zig"));
        PropertyCompleter properties = new PropertyCompleter();
        properties.model = model;
        assertEquals(List.of("level ", "on "), sorted(complete(properties,
                "trusthub:thing-set zigbee:00124b0000000a01 ")), "temperature is read-only");
        ValueCompleter values = new ValueCompleter();
        values.model = model;
        assertEquals(List.of("off ", "on ", "toggle "), sorted(complete(values,
                "trusthub:thing-set zigbee:00124b0000000a01 on ")));
        assertEquals(List.of(), complete(values, "trusthub:thing-set lamp-9 on "), "no model, no values");
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }

    /** Completes the last word of a line (cursor at its end), as the console would. */
    private static List<String> complete(org.apache.karaf.shell.api.console.Completer completer, String buffer) {
        String[] words = buffer.split(" ", -1);
        String last = words[words.length - 1];
        org.apache.karaf.shell.api.console.CommandLine line = new org.apache.karaf.shell.api.console.CommandLine() {
            @Override
            public int getCursorArgumentIndex() {
                return words.length - 1;
            }

            @Override
            public String getCursorArgument() {
                return last;
            }

            @Override
            public int getArgumentPosition() {
                return last.length();
            }

            @Override
            public String[] getArguments() {
                return words;
            }

            @Override
            public int getBufferPosition() {
                return buffer.length();
            }

            @Override
            public String getBuffer() {
                return buffer;
            }
        };
        List<String> candidates = new ArrayList<>();
        completer.complete(null, line, candidates);
        return candidates;
    }

    @Test
    void commandNames() {
        assertEquals("trusthub:thing-properties", name(ThingPropertiesCommand.class));
        assertEquals("trusthub:thing-set", name(ThingSetCommand.class));
    }

    @Test
    void karafCommandsHeaderNamesThePackageOfEveryService() throws Exception {
        // bnd writes the manifest into target/classes before the tests run.
        Path manifestFile = Path.of("target", "classes", "META-INF", "MANIFEST.MF");
        assertTrue(java.nio.file.Files.exists(manifestFile), "run through Maven: bnd writes " + manifestFile);
        java.util.jar.Manifest manifest;
        try (var in = java.nio.file.Files.newInputStream(manifestFile)) {
            manifest = new java.util.jar.Manifest(in);
        }
        String header = manifest.getMainAttributes().getValue("Karaf-Commands");
        for (Class<?> type : List.of(ThingPropertiesCommand.class, ThingSetCommand.class, ModelThingCompleter.class,
                PropertyCompleter.class, ValueCompleter.class)) {
            assertTrue(type.isAnnotationPresent(org.apache.karaf.shell.api.action.lifecycle.Service.class), type
                    + " is not a Karaf @Service");
            assertEquals(header, type.getPackageName(), type + " is outside the scanned package");
        }
        assertFalse(manifest.getMainAttributes().getValue("Export-Package") != null,
                "the model bundle exports nothing: others use org.trusthub.api.model");
    }

    private static String name(Class<?> type) {
        Command c = type.getAnnotation(Command.class);
        return c.scope() + ":" + c.name();
    }

    private ThingSetCommand set(String property, String value) {
        ThingSetCommand c = new ThingSetCommand();
        c.model = model;
        c.thing = lamp.value();
        c.property = property;
        c.value = value;
        return c;
    }

    private static String run(ModelAction action) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        action.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertNull(action.execute());
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String fail(ModelAction action) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        action.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CommandException e = assertThrows(CommandException.class, action::execute);
        assertFalse(e.getMessage().contains("\n"));
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "a failed command prints nothing");
        return e.getMessage();
    }
}
