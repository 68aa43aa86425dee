package org.trusthub.demo.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;

/**
 * Runs hub console commands for the demo, as an operator would type them, and keeps what they print to itself: a
 * command line may carry a secret (an install code), so neither it nor the output goes to the log.
 */
final class DemoConsole {

    private final SessionFactory sessions;

    DemoConsole(SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** What the command printed; fails with the command's own one-line error when it is refused. */
    String run(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessions.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            Object result = session.execute(command);
            if (result != null) {
                out.println(result);
            }
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
