package org.trusthub.shell.internal;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.ShellUtil;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;

/**
 * What every trusthub command shares: output, and errors as one line starting with {@code Error:}.
 *
 * <p>Errors are thrown as Karaf's {@link CommandException} with the line as its "help": Karaf 4.4's
 * {@code ShellUtil.logException} prints a CommandException's help verbatim (no "Error executing command:" prefix,
 * no stack trace, logged at DEBUG only), and an ssh or {@code bin/client} command that throws exits with status 1.
 * Printing to System.err and returning would exit with 0.
 */
public abstract class TrustHubAction implements Action {

    /** Where output goes; tests set it, Karaf leaves it null and System.out is the session's console. */
    PrintStream out;

    @Override
    public final Object execute() throws Exception {
        try {
            run();
            return null;
        } catch (IllegalArgumentException | IllegalStateException | KeystoreException | UncheckedIOException e) {
            // The api's refusals (unknown thing, illegal transition, duplicate, malformed input, revoked keys)
            // already name what is wrong and never carry key material.
            throw error(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** The command's work; throw {@link #error(String)} or let the api's refusals propagate. */
    protected abstract void run() throws Exception;

    protected PrintStream out() {
        return out != null ? out : System.out;
    }

    /** The exception Karaf shows as exactly one line, {@code Error: <message>}. */
    static CommandException error(String message) {
        String line = "Error: " + oneLine(message);
        return new CommandException(line, line);
    }

    /** Control characters (line breaks, escape sequences) in echoed input must not forge output. */
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

    /**
     * The registry as the console's operator changes it, so the thing's journal names them: {@code console:<user>}
     * for the Karaf account running the command, {@code console} when there is none (or its name cannot be an
     * actor).
     */
    static ThingRegistry asOperator(ThingRegistry registry) {
        String user = ShellUtil.getCurrentUserName();
        if (user != null && !user.isBlank()) {
            try {
                return registry.actingAs("console:" + user.strip());
            } catch (IllegalArgumentException e) {
                // a name no journal can hold: the command still runs, journalled as the console
            }
        }
        return registry.actingAs("console");
    }

    static ThingId thingId(String text) throws CommandException {
        try {
            return ThingId.of(text);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    static Transition transition(String text) throws CommandException {
        return parse(Transition.class, text, "transition");
    }

    static LifecycleState state(String text) throws CommandException {
        return parse(LifecycleState.class, text, "state");
    }

    static Layer layer(String text) throws CommandException {
        return parse(Layer.class, text, "layer");
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String text, String what) throws CommandException {
        if (text != null) {
            String wanted = text.strip().toUpperCase(Locale.ROOT);
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(wanted)) {
                    return e;
                }
            }
        }
        throw error("unknown " + what + " '" + (text == null ? "" : text) + "': use one of "
                + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
