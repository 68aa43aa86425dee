package org.trusthub.itests;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.trusthub.testkit.Await;

/**
 * Every console example of README.md runs as written in the distribution. The rule, stated in README's "Console
 * commands": the lines of each {@code ```console} block are hub console commands, run top to bottom in one console
 * session of a fresh hub; {@code #} lines are comments; {@code <dir>} is a new empty directory and {@code <password>}
 * a password, any other {@code <...>} fails until it is added to {@link #placeholders}. Any refused line fails the
 * test: refused as a command (not found, too many arguments, unknown option, missing argument) or by the command itself
 * (an unknown thing, a transition not allowed), since an example that does not work as shown is a wrong example. The
 * build copies README.md into target/test-classes/readme (maven-resources-plugin).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ReadmeConsoleIT {

    private static final Pattern PLACEHOLDER = Pattern.compile("<([a-z][a-z -]*)>");
    /** What Karaf and Gogo say when a line is not a well-formed command (lower case). */
    private static final List<String> SYNTAX_ERRORS = List.of("command not found", "too many arguments",
            "undefined option", "is required", "missing value for option", "unable to parse");

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        String readme = System.getProperty("trusthub.readme");
        if (readme == null || !Files.isRegularFile(Path.of(readme))) {
            throw new IllegalStateException("system property trusthub.readme does not name README.md's copy: "
                    + readme + " (run through Maven, which copies it)");
        }
        return HubOptions.hub(systemProperty("trusthub.readme").value(readme));
    }

    /** README's console lines, in order, from its {@code ```console} blocks only. */
    static List<String> consoleLines(List<String> readme) {
        List<String> lines = new ArrayList<>();
        boolean inConsole = false;
        boolean inOther = false;
        for (String raw : readme) {
            String line = raw.strip();
            if (line.startsWith("```")) {
                if (inConsole || inOther) {
                    inConsole = false;
                    inOther = false;
                } else if (line.equals("```console")) {
                    inConsole = true;
                } else {
                    inOther = true;
                }
                continue;
            }
            if (inConsole && !line.isEmpty() && !line.startsWith("#")) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    public void everyConsoleExampleRunsAsWritten() throws Exception {
        List<String> lines = consoleLines(Files.readAllLines(Path.of(System.getProperty("trusthub.readme")),
                StandardCharsets.UTF_8));
        assertTrue("README has console examples", lines.size() >= 10);
        Map<String, String> placeholders = placeholders();
        List<String> failures = new ArrayList<>();
        StringBuilder transcript = new StringBuilder();
        // The operator's console (./hub) runs as karaf.local.user with karaf.local.roles; Karaf hides commands whose
        // ACL (etc/org.apache.karaf.command.acl.*.cfg) wants a role the session's subject lacks.
        Subject operator = new Subject();
        operator.getPrincipals().add(new UserPrincipal(System.getProperty("karaf.local.user", "karaf")));
        for (String role : System.getProperty("karaf.local.roles", "admin,manager,viewer,systembundles").split(",")) {
            operator.getPrincipals().add(new RolePrincipal(role.strip()));
        }
        Subject.doAs(operator, (PrivilegedExceptionAction<Void>) () -> {
            runAll(lines, placeholders, failures, transcript);
            return null;
        });
        System.out.println(transcript);
        assertTrue("README console lines refused:\n" + String.join("\n", failures) + "\n\nThe console:\n"
                + transcript, failures.isEmpty());
    }

    private void runAll(List<String> lines, Map<String, String> placeholders, List<String> failures,
            StringBuilder transcript) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            for (String line : lines) {
                String command = substitute(line, placeholders);
                String refusal = run(session, command);
                String shown = bytes.toString(StandardCharsets.UTF_8);
                bytes.reset();
                transcript.append("README> ").append(command).append('\n').append(shown)
                        .append(refusal == null ? "" : refusal + "\n");
                if (refusal != null) {
                    failures.add("'" + line + "': " + refusal);
                }
            }
            // the line the old README showed is caught: Karaf wants options before arguments
            String old = run(session, substitute("trusthub:thing-enroll lamp-9 alice --generate-secret <dir>/9.secret",
                    placeholders));
            assertTrue("options after arguments are refused as a command: " + old, old != null && isSyntaxError(old));
            // and a command's own refusal is seen too, not only the console's
            String unknown = run(session, "trusthub:thing-show readme-no-such-thing");
            assertTrue("a command's refusal is reported: " + unknown, unknown != null && !isSyntaxError(unknown));
        }
    }

    /**
     * Runs one line; null when it succeeded, else what the console said. A command a {@code feature:install} line
     * just added appears a moment after the install returns, so "not found" is retried for a while.
     */
    private static String run(Session session, String command) {
        try {
            Await.until("'" + command + "' to be registered", Await.DEFAULT_TIMEOUT, () -> {
                Object result = session.execute(command);
                if (result != null) {
                    session.getConsole().println(result);
                }
                return result;
            }, result -> true, e -> String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT)
                    .contains("command not found"));
            return null;
        } catch (AssertionError timedOut) {
            Throwable last = timedOut.getCause() != null ? timedOut.getCause() : timedOut;
            return last.getClass().getSimpleName() + ": " + last.getMessage();
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    static boolean isSyntaxError(String refusal) {
        String r = refusal.toLowerCase(Locale.ROOT);
        return SYNTAX_ERRORS.stream().anyMatch(r::contains) || r.contains("commandnotfoundexception");
    }

    private static Map<String, String> placeholders() throws Exception {
        Path dir = Files.createTempDirectory("readme-console");
        return Map.of("dir", dir.toString(), "password", "Readme-Console-7");
    }

    private static String substitute(String line, Map<String, String> placeholders) {
        Matcher m = PLACEHOLDER.matcher(line);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String value = placeholders.get(m.group(1));
            if (value == null) {
                throw new AssertionError("README console line '" + line + "' has placeholder <" + m.group(1)
                        + ">, which ReadmeConsoleIT.placeholders does not know: add it there");
            }
            m.appendReplacement(b, Matcher.quoteReplacement(value));
        }
        m.appendTail(b);
        return b.toString();
    }
}
