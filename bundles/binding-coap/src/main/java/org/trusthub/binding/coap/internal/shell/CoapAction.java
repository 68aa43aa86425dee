package org.trusthub.binding.coap.internal.shell;

import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.support.CommandException;
import org.trusthub.api.thing.ThingId;

/**
 * What the CoAP commands share with the hub's other commands: output, and errors as one line starting with
 * {@code Error:} (a {@link CommandException} whose help Karaf prints verbatim, exit status 1 over ssh).
 */
public abstract class CoapAction implements Action {

    /** Where output goes; tests set it, Karaf leaves it null. */
    PrintStream out;

    @Override
    public final Object execute() throws Exception {
        try {
            run();
            return null;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw error(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    protected abstract void run() throws Exception;

    protected PrintStream out() {
        return out != null ? out : System.out;
    }

    static CommandException error(String message) {
        StringBuilder b = new StringBuilder("Error: ");
        message.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(' ');
            } else {
                b.appendCodePoint(c);
            }
        });
        String line = b.toString();
        return new CommandException(line, line);
    }

    static ThingId thing(String text) {
        if (!ThingId.isValid(text)) {
            throw new IllegalArgumentException("not a thing id: " + text);
        }
        return ThingId.of(text);
    }
}
