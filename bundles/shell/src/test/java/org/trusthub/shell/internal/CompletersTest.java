package org.trusthub.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;

class CompletersTest extends ShellTestSupport {

    /** A command line as Karaf hands it to a completer: words, and the cursor at the end of the last one. */
    private record Line(String[] words) implements CommandLine {
        static Line of(String text) {
            String[] words = text.split(" ", -1);
            return new Line(words);
        }

        @Override
        public int getCursorArgumentIndex() {
            return words.length - 1;
        }

        @Override
        public String getCursorArgument() {
            return words[words.length - 1];
        }

        @Override
        public int getArgumentPosition() {
            return getCursorArgument().length();
        }

        @Override
        public String[] getArguments() {
            return words;
        }

        @Override
        public int getBufferPosition() {
            return getBuffer().length();
        }

        @Override
        public String getBuffer() {
            return String.join(" ", words);
        }
    }

    private static List<String> complete(Completer completer, String line) {
        List<String> candidates = new ArrayList<>();
        completer.complete(null, Line.of(line), candidates);
        return candidates.stream().map(String::strip).sorted().toList();
    }

    @BeforeEach
    void things() {
        registry.enroll(ThingId.of("lamp-1"), "alice", RootCredential.secret(new byte[16]));
        registry.enroll(ThingId.of("lamp-2"), "alice", RootCredential.secret(new byte[16]));
        registry.enroll(ThingId.of("sensor-1"), "bob", RootCredential.secret(new byte[16]));
        registry.transition(ThingId.of("lamp-2"), Transition.BOOTSTRAP);
        registry.transition(ThingId.of("lamp-2"), Transition.ACTIVATE);
        registry.transition(ThingId.of("sensor-1"), Transition.DECOMMISSION);
    }

    @Test
    void thingIds() {
        ThingIdCompleter c = new ThingIdCompleter();
        c.registry = registry;
        assertEquals(List.of("lamp-1", "lamp-2"), complete(c, "trusthub:thing-show la"));
        assertEquals(List.of("lamp-1", "lamp-2", "sensor-1"), complete(c, "thing-show "));
    }

    @Test
    void transitionsLegalFromTheThingsState() {
        TransitionCompleter c = new TransitionCompleter();
        c.registry = registry;
        assertEquals(List.of("BOOTSTRAP", "DECOMMISSION"), complete(c, "trusthub:thing-transition lamp-1 "));
        assertEquals(List.of("DECOMMISSION", "MAINTAIN"), complete(c, "thing-transition lamp-2 "));
        assertEquals(List.of("MAINTAIN"), complete(c, "thing-transition lamp-2 ma"));
        assertEquals(List.of(), complete(c, "thing-transition sensor-1 "), "recommissioning is another command");
    }

    @Test
    void everyTransitionWhenTheThingIsUnknown() {
        TransitionCompleter c = new TransitionCompleter();
        c.registry = registry;
        List<String> all = List.of("ACTIVATE", "BOOTSTRAP", "DECOMMISSION", "MAINTAIN", "REBOOTSTRAP", "RESUME");
        assertEquals(all, complete(c, "thing-transition ghost "));
        assertEquals(all, complete(c, "thing-transition Not-An-Id "));
        assertEquals(all, complete(c, ""), "as Karaf checks a single word");
    }

    @Test
    void layersAndStates() {
        assertEquals(List.of("APPLICATION", "LINK", "NETWORK", "TRANSPORT"), complete(new LayerCompleter(),
                "key-rotate lamp-1 "));
        assertEquals(List.of("TRANSPORT"), complete(new LayerCompleter(), "key-rotate lamp-1 tr"));
        assertEquals(List.of("MAINTENANCE", "MANUFACTURED"), complete(new StateCompleter(), "thing-list --state ma"));
    }
}
