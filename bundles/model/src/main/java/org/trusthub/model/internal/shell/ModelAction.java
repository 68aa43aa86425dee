package org.trusthub.model.internal.shell;

import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.support.CommandException;
import org.trusthub.api.thing.ThingId;

/**
 * What the model's commands share with the other trusthub commands: output, and errors as one line starting with
 * {@code Error:} (a Karaf CommandException's help is printed verbatim and an ssh command then exits with status 1).
 */
public abstract class ModelAction implements Action {

    /** Where output goes; tests set it, Karaf leaves it null and System.out is the session's console. */
    PrintStream out;

    @Override
    public final Object execute() throws Exception {
        try {
            run();
            return null;
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The model's refusals name the thing, property and what is accepted, and never carry key material.
            throw error(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    protected abstract void run() throws Exception;

    protected PrintStream out() {
        return out != null ? out : System.out;
    }

    static CommandException error(String message) {
        String line = "Error: " + oneLine(message);
        return new CommandException(line, line);
    }

    /** Control characters in echoed input must not forge output. */
    static String oneLine(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\n' || c == '\r' || c == '\t') {
                b.append(' ');
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString().strip();
    }

    static ThingId thingId(String text) throws CommandException {
        try {
            return ThingId.of(text);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }
}
