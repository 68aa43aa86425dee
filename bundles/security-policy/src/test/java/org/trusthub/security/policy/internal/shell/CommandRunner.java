package org.trusthub.security.policy.internal.shell;

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
final class CommandRunner {

    private CommandRunner() {
    }

    /** Runs the action, which must succeed and return nothing (Karaf would print a returned value). */
    static String run(PolicyAction action) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        action.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        assertNull(action.execute());
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Runs the action, which must fail with one printable line starting "Error:" and print nothing. */
    static String fail(PolicyAction action) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        action.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        CommandException e = assertThrows(CommandException.class, action::execute);
        String line = e.getNiceHelp();
        assertEquals(e.getMessage(), line);
        assertTrue(line.startsWith("Error: "), line);
        assertFalse(line.chars().anyMatch(c -> c < 0x20 || c >= 0x7f), "one printable line: " + line);
        assertEquals("", captured.toString(StandardCharsets.UTF_8), "a failed command prints nothing");
        return line;
    }
}
