package org.trusthub.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.trusthub.testkit.Await;

/** Runs console commands in the container the way an operator's console would, and captures what they print. */
final class Shell {

    private final SessionFactory sessions;

    Shell(SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** Runs a command that must succeed; returns everything it printed. */
    String run(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessions.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            Object result = session.execute(command);
            if (result != null) {
                out.println(result);
            }
        } catch (Exception e) {
            out.flush();
            throw new AssertionError("'" + command + "' failed: " + e + "\noutput:\n" + bytes.toString(
                    StandardCharsets.UTF_8), e);
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Runs a command until its output contains the text (what it shows fills in asynchronously), up to 30 s. */
    String awaitOutput(String command, String text) throws Exception {
        return Await.until("'" + command + "' to show " + text, Await.DEFAULT_TIMEOUT, () -> run(command),
                out -> out.contains(text), AssertionError.class::isInstance);
    }

    /** Runs a command that must be refused; returns the refusal as the console shows it. */
    String refused(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessions.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute(command);
        } catch (Exception e) {
            return e.getMessage();
        }
        throw new AssertionError("'" + command + "' was not refused; it printed:\n"
                + bytes.toString(StandardCharsets.UTF_8));
    }
}
