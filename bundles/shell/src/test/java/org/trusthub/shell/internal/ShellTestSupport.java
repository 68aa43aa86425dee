package org.trusthub.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.karaf.shell.support.CommandException;

/** Runs actions the way Karaf would, with their output captured. */
class ShellTestSupport {

    final FakeKeyStore keyStore = new FakeKeyStore();
    final FakeRegistry registry = new FakeRegistry(keyStore);
    ByteArrayOutputStream captured;

    /** Runs the action, which must succeed and return nothing (Karaf would print a returned value). */
    String run(TrustHubAction action) throws Exception {
        captured = new ByteArrayOutputStream();
        action.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        assertNull(action.execute());
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Runs the action, which must fail with one line starting "Error:" and print nothing; returns that line. */
    String fail(TrustHubAction action) {
        captured = new ByteArrayOutputStream();
        action.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        CommandException e = assertThrows(CommandException.class, action::execute);
        String line = e.getNiceHelp();
        assertEquals(e.getMessage(), line);
        assertTrue(line.startsWith("Error: "), line);
        assertFalse(line.contains("\n") || line.contains("\r"), "one line: " + line);
        assertEquals("", captured.toString(StandardCharsets.UTF_8), "a failed command prints nothing");
        return line;
    }
}
