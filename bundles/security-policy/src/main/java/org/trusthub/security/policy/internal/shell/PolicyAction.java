package org.trusthub.security.policy.internal.shell;

import java.io.IOException;
import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.support.CommandException;

/**
 * What the policy commands share: output, and errors as one line starting with {@code Error:} (Karaf prints a
 * {@link CommandException}'s help verbatim, without a stack trace, and a remote command that throws exits with 1).
 */
abstract class PolicyAction implements Action {

    /** Where output goes; tests set it, Karaf leaves it null and System.out is the session's console. */
    PrintStream out;

    @Override
    public final Object execute() throws Exception {
        try {
            run();
            return null;
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            // The policy's refusals name the rule and the field, without control characters.
            throw error(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    protected abstract void run() throws Exception;

    protected PrintStream out() {
        return out != null ? out : System.out;
    }

    /** The exception Karaf shows as exactly one line, {@code Error: <message>}. */
    static CommandException error(String message) {
        String line = "Error: " + printable(message);
        return new CommandException(line, line);
    }

    /** Control characters (line breaks, escape sequences) in echoed input must not forge output. */
    static String printable(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
