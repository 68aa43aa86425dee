package org.trusthub.security.policy.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;

/**
 * An immutable set of {@link Rule}s and the decisions they make.
 *
 * <p>Protection: the {@code protect} rules that name a thing itself decide for it alone. Without such a rule, its
 * requirement is one that satisfies both the {@code *} rules and the rules of every {@code @group} it is in at the
 * moment of the decision: a group can only raise what {@code *} requires, never lower it, so adding a thing to a
 * group never weakens it, and a thing that leaves its group (offload drops a thing that leaves service from its
 * groups) falls back to {@code *}; a requirement that must not depend on membership needs the thing's own rule.
 * Within one subject a named protocol beats {@code *}; equally specific rules add up. No matching rule: none.
 *
 * <p>Authorization is default-deny: a request is allowed only when a rule grants it; a thing may always read and
 * write its own properties (a CoAP thing reports its values by writing them to the hub). Token scopes add up over
 * every {@code token} rule that matches the client and the audience.
 */
public final class RuleTable {
    /** No rule: no protection required, nothing authorized but reading and writing one's own properties. */
    public static final RuleTable EMPTY = new RuleTable(List.of(), false);
    /**
     * In force while the stored rules are refused and no good rules were ever in force (a bad file at start): nothing
     * authorized, and every thing required the strongest protection, so traffic fails closed until it is fixed.
     */
    public static final RuleTable REFUSED = new RuleTable(List.of(), true);
    private static final Protection STRONGEST = Protection.confidentiality().endToEnd();

    private final List<Rule> rules;
    private final boolean refused;

    private RuleTable(List<Rule> rules, boolean refused) {
        this.rules = List.copyOf(rules);
        this.refused = refused;
    }

    /**
     * Reads rules; duplicates collapse.
     *
     * @throws IllegalArgumentException naming the first bad rule by its number (from 1) and text, and the field
     */
    public static RuleTable parse(Collection<String> texts) {
        LinkedHashSet<Rule> parsed = new LinkedHashSet<>();
        int n = 0;
        for (String t : texts) {
            n++;
            try {
                parsed.add(Rule.parse(t));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rule " + n + " ('" + Rule.printable(t.strip()) + "'): "
                        + e.getMessage(), e);
            }
        }
        return new RuleTable(new ArrayList<>(parsed), false);
    }

    /** The canonical form of one rule; refuses a bad one naming the field. */
    public static String canonical(String rule) {
        try {
            return Rule.parse(rule).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule '" + Rule.printable(rule == null ? "" : rule.strip()) + "': "
                    + e.getMessage(), e);
        }
    }

    /** The rules in canonical form, in order. */
    public List<String> rules() {
        return rules.stream().map(Rule::toString).toList();
    }

    /** Whether this is {@link #REFUSED}. */
    public boolean failsClosed() {
        return refused;
    }

    /** This table with one more rule (the same table if it holds it already). */
    public RuleTable with(String rule) {
        Rule r = Rule.parse(rule);
        if (rules.contains(r)) {
            return this;
        }
        List<Rule> l = new ArrayList<>(rules);
        l.add(r);
        return new RuleTable(l, false);
    }

    /** This table without a rule; refuses one it does not hold. */
    public RuleTable without(String rule) {
        Rule r = Rule.parse(rule);
        if (!rules.contains(r)) {
            throw new IllegalArgumentException("no such rule: " + r);
        }
        List<Rule> l = new ArrayList<>(rules);
        l.remove(r);
        return new RuleTable(l, false);
    }

    /**
     * The protection required on one direction of a thing's traffic over a protocol.
     *
     * @param members a group's members by name, empty for an unknown group, null when membership cannot be told now
     */
    public Protection required(ThingId thing, String protocol, boolean inbound,
            Function<String, Set<ThingId>> members) {
        return decide(protocol, inbound, s -> s.matches(thing, members), s -> {
            // Membership nobody can tell now (no group service, or it failed): a group may only raise the
            // requirement, so its rules count as if the thing were a member.
            Set<ThingId> in = members.apply(s.text().substring(1));
            return in == null || in.contains(thing);
        });
    }

    /**
     * The protection required of what a rule subject names, as the rules that name exactly that subject or {@code *}
     * decide it: for a thing id what {@link #required(ThingId, String, boolean, Function)} says, for a group what a
     * member in no other group and without a rule of its own is held to, for {@code *} what a thing in no rule is.
     */
    Protection required(Subject subject, String protocol, boolean inbound, Function<String, Set<ThingId>> members) {
        if (subject.kind() == Subject.Kind.THING) {
            return required(ThingId.of(subject.text()), protocol, inbound, members);
        }
        return decide(protocol, inbound, s -> false, subject::equals);
    }

    /**
     * A thing's own rules decide alone; without them, the {@code *} rules and the rules of every group it is in add
     * up, so a group can only raise what {@code *} requires. Within one subject a named protocol beats {@code *}.
     */
    private Protection decide(String protocol, boolean inbound, Predicate<Subject> own, Predicate<Subject> inGroup) {
        if (refused) {
            return STRONGEST;
        }
        Requirement thing = new Requirement();
        Requirement any = new Requirement();
        Map<Subject, Requirement> groups = new LinkedHashMap<>();
        for (Rule r : rules) {
            if (r instanceof Rule.Protect p && p.direction().covers(inbound)
                    && (p.protocol().equals(Rule.ANY) || p.protocol().equals(protocol))) {
                switch (p.subject().kind()) {
                    case THING -> {
                        if (own.test(p.subject())) {
                            thing.add(p);
                        }
                    }
                    case GROUP -> {
                        if (inGroup.test(p.subject())) {
                            groups.computeIfAbsent(p.subject(), g -> new Requirement()).add(p);
                        }
                    }
                    case ANY -> any.add(p);
                }
            }
        }
        if (thing.rank >= 0) {
            return thing.required;
        }
        Protection required = any.required;
        for (Requirement g : groups.values()) {
            required = join(required, g.required);
        }
        return required;
    }

    /** What one subject's matching rules require: the named protocol's over {@code *}'s; equal ones add up. */
    private static final class Requirement {
        int rank = -1;
        Protection required = Protection.NONE;

        void add(Rule.Protect p) {
            int r = p.protocol().equals(Rule.ANY) ? 0 : 1;
            if (r > rank) {
                rank = r;
                required = p.protection();
            } else if (r == rank) {
                required = join(required, p.protection());
            }
        }
    }

    /**
     * The protection requirements {@code next} lowers against this table, one line each: {@code SUBJECT PROTOCOL
     * in|out: FROM -> TO}, for every subject either table's {@code protect} rules name (and {@code *}), every
     * protocol and both directions. Nothing is lowered from {@link #REFUSED}: its requirement stood for no rule.
     */
    public List<String> lowered(RuleTable next, Function<String, Set<ThingId>> members) {
        if (refused) {
            return List.of();
        }
        Set<Subject> subjects = new LinkedHashSet<>();
        subjects.add(Subject.parse(Rule.ANY));
        for (RuleTable t : List.of(this, next)) {
            t.rules.stream().filter(Rule.Protect.class::isInstance).map(r -> ((Rule.Protect) r).subject())
                    .forEach(subjects::add);
        }
        List<String> lowered = new ArrayList<>();
        for (Subject s : subjects) {
            for (String protocol : Rule.PROTOCOLS) {
                for (boolean inbound : new boolean[] {true, false}) {
                    Protection from = required(s, protocol, inbound, members);
                    Protection to = next.required(s, protocol, inbound, members);
                    if (!to.satisfies(from)) {
                        lowered.add(s + " " + protocol + " " + (inbound ? "in" : "out") + ": " + from + " -> " + to);
                    }
                }
            }
        }
        return lowered;
    }

    /** The weakest protection that satisfies both. */
    private static Protection join(Protection a, Protection b) {
        if (a.level() == Protection.Level.NONE) {
            return b;
        }
        if (b.level() == Protection.Level.NONE) {
            return a;
        }
        return new Protection(a.level().compareTo(b.level()) >= 0 ? a.level() : b.level(),
                a.reach().compareTo(b.reach()) >= 0 ? a.reach() : b.reach());
    }

    public boolean mayAccess(boolean write, ThingId caller, ThingId target, String property,
            Function<String, Set<ThingId>> members) {
        if (caller.equals(target)) {
            return true;
        }
        return rules.stream().anyMatch(r -> r instanceof Rule.Access a && a.write() == write
                && (a.properties().contains(Rule.ANY) || a.properties().contains(property))
                && a.caller().matches(caller, members) && a.target().matches(target, members));
    }

    public boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes,
            Function<String, Set<ThingId>> members) {
        Set<String> allowed = new HashSet<>();
        boolean any = false;
        for (Rule r : rules) {
            if (r instanceof Rule.Token t && t.client().matches(client, members)
                    && t.audience().matches(audience, members)) {
                if (t.scopes().contains(Rule.ANY)) {
                    return true;
                }
                any = true;
                allowed.addAll(t.scopes());
            }
        }
        return any && allowed.containsAll(scopes);
    }

    public boolean mayPair(ThingId thing, ThingId peer, Function<String, Set<ThingId>> members) {
        return rules.stream().anyMatch(r -> r instanceof Rule.Pair p && p.thing().matches(thing, members)
                && p.peer().matches(peer, members));
    }

    /** Whether a request that names no thing may read a property: only a {@code read -} rule grants it. */
    public boolean mayReadUnauthenticated(ThingId target, String property, Function<String, Set<ThingId>> members) {
        return rules.stream().anyMatch(r -> r instanceof Rule.UnauthenticatedRead u
                && (u.properties().contains(Rule.ANY) || u.properties().contains(property))
                && u.target().matches(target, members));
    }

    /** The rules as one configuration value, {@code ;}-separated. */
    @Override
    public String toString() {
        return String.join("; ", rules());
    }
}
