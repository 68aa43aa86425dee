package org.trusthub.shell.internal;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.Transition;

/** The commands' shared text: labelled fields, times in UTC to the second, fingerprints. */
final class Formats {

    private Formats() {
    }

    /** One labelled line, values aligned in one column. */
    static void field(PrintStream out, String label, Object value) {
        out.println(String.format(Locale.ROOT, "%-14s%s", label + ":", value));
    }

    static String time(Instant instant) {
        return instant == null ? "never" : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** The fields of a thing, as thing-show, thing-enroll and thing-recommission print them. */
    static void thing(PrintStream out, Thing thing) {
        field(out, "Thing", thing.id());
        field(out, "State", thing.state());
        field(out, "Owner", thing.owner());
        field(out, "Commissions", thing.commissionCount());
        field(out, "Enrolled", time(thing.enrolled()));
        field(out, "Changed", time(thing.changed()));
    }

    /** The transitions thing-transition accepts from a state, and the re-commissioning hint where it applies. */
    static String allowedTransitions(LifecycleState state) {
        Set<Transition> allowed = Transition.allowedFrom(state);
        if (allowed.isEmpty()) {
            return "none";
        }
        return allowed.stream()
                .map(t -> t == Transition.RECOMMISSION ? t + " (trusthub:thing-recommission)" : t.name())
                .collect(Collectors.joining(", "));
    }

    /** Upper-case hex bytes separated by colons, as openssl prints fingerprints. */
    static String fingerprint(byte[] digest) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }
}
