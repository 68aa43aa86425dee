package org.trusthub.security.policy.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.config.ConfigLists;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;

/**
 * The hub's security policy: the {@link RuleTable} in force, kept in Config Admin under {@value #PID} (property
 * {@value #RULES}) so it survives a restart and, in Karaf, is written back to
 * {@code etc/org.trusthub.security.policy.cfg}.
 *
 * <p>Config Admin is the one source of truth: the rules in force are read back from the configuration stored there on
 * every callback and right after the console's own updates, never taken from the callback's properties (a callback
 * may arrive after later updates and would put older rules back in force). Stored rules with any bad rule are refused
 * whole: the rules in force stay, {@link #error()} says why, and the refusal is logged once (rate-limited).
 */
@Component(service = {SecurityPolicy.class, PolicyComponent.class}, configurationPid = PolicyComponent.PID,
        immediate = true)
@Designate(ocd = PolicyComponent.Config.class)
public class PolicyComponent implements SecurityPolicy {
    public static final String PID = "org.trusthub.security.policy";
    static final String RULES = "rules";
    private static final Logger LOG = LoggerFactory.getLogger(PolicyComponent.class);

    @ObjectClassDefinition(name = "trusthub security policy",
            description = "The protection each thing's traffic needs per protocol, and what each thing may read, "
                    + "write, get tokens for and pair with. Anything not granted is refused.")
    public @interface Config {
        @AttributeDefinition(name = "Rules", description = "One rule per line or ';'-separated: 'protect SUBJECT "
                + "PROTOCOL in|out|both PROTECTION', 'read CALLER TARGET PROPERTY...', 'write CALLER TARGET "
                + "PROPERTY...', 'token CLIENT AUDIENCE SCOPE...', 'pair THING PEER'. A subject is a thing id, "
                + "@group or *; a protocol coap, dpws, zigbee, bluetooth or *. Empty (the default): no protection "
                + "required beyond each binding's mechanisms, nothing authorized but a thing reading and writing "
                + "its own properties.")
        String[] rules() default {};
    }

    @Reference
    ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile GroupKeyService groups;

    private final LogLimiter refusedLog = new LogLimiter(Duration.ofMinutes(1), 5);
    private volatile RuleTable table = RuleTable.EMPTY;
    private volatile String error;
    private boolean loaded;

    @Activate
    @Modified
    synchronized void apply() {
        RuleTable before = table;
        String problem;
        try {
            RuleTable t = RuleTable.parse(entries(current().map(c -> c.get(RULES)).orElse(null)));
            table = t;
            loaded = true;
            error = null;
            if (!t.rules().equals(before.rules()) || before.failsClosed()) {
                LOG.info("Security policy: {} rule(s) in force", t.rules().size());
            }
            return;
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            // Config Admin failed to answer: keep what is in force rather than guess.
            problem = "cannot read " + PID + " from Config Admin: " + e.getMessage();
        }
        // Config Admin's and ConfigLists' messages may quote the stored text as it is.
        problem = problem.replaceAll("[^\\x20-\\x7e]", "?");
        if (!loaded) {
            // Nothing good was ever in force (a bad file at start): fail closed rather than open.
            table = RuleTable.REFUSED;
        }
        boolean repeated = problem.equals(error);
        error = problem;
        if (!repeated) {
            String p = problem;
            refusedLog.admit("refused").ifPresent(left -> LOG.error("Security policy in {} refused: {}; {}{}", PID, p,
                    loaded ? "the " + table.rules().size() + " rule(s) in force stay"
                            : "nothing is authorized and the strongest protection is required until it is fixed",
                    left > 0 ? " (" + left + " similar line(s) left out)" : ""));
        }
    }

    /** The rules stored under the PID now, without creating a configuration that does not exist. */
    private Optional<Dictionary<String, Object>> current() throws IOException, InvalidSyntaxException {
        Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + PID + ")");
        if (found == null || found.length == 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(found[0].getProperties());
    }

    /** The rules in force. */
    public RuleTable table() {
        return table;
    }

    /** Why the stored rules are refused, if they are. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /**
     * A change the console asked for that would lower protection requirements in force, refused without
     * {@code force}; nothing changed.
     */
    public static final class Lowers extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Lowers(List<String> lowered) {
            super("refused: this lowers " + lowered.size() + " protection requirement(s): " + String.join("; ",
                    lowered) + "; give --force to apply it");
        }
    }

    /**
     * What a console change did.
     *
     * @param changed whether the stored rules changed
     * @param lowered the protection requirements it lowered, as {@link RuleTable#lowered} writes them
     */
    public record Change(boolean changed, List<String> lowered) {
    }

    /**
     * Adds one rule to the stored rules and puts the result in force. Refuses a bad rule, or stored rules that do not
     * parse, with the reason and no change; refuses one that lowers a protection requirement in force unless
     * {@code force}.
     */
    public synchronized Change add(String rule, boolean force) throws IOException {
        String canonical = RuleTable.canonical(rule);
        Configuration c = configAdmin.getConfiguration(PID, null);
        Dictionary<String, Object> props = properties(c);
        RuleTable stored = stored(props);
        RuleTable next = stored.with(canonical);
        if (next == stored) {
            return new Change(false, List.of());
        }
        return store(c, props, next, force);
    }

    /**
     * Removes one rule (in any spelling that reads the same) from the stored rules; refuses one not there, and one
     * whose removal lowers a protection requirement in force unless {@code force}.
     */
    public synchronized Change remove(String rule, boolean force) throws IOException {
        String canonical = RuleTable.canonical(rule);
        Configuration c = configAdmin.getConfiguration(PID, null);
        Dictionary<String, Object> props = properties(c);
        return store(c, props, stored(props).without(canonical), force);
    }

    /**
     * Replaces every stored rule; refuses the whole list, naming the first bad rule, with no change; refuses a list
     * that lowers a protection requirement in force unless {@code force}.
     */
    public synchronized Change set(List<String> rules, boolean force) throws IOException {
        RuleTable next = RuleTable.parse(rules);
        Configuration c = configAdmin.getConfiguration(PID, null);
        return store(c, properties(c), next, force);
    }

    private static Dictionary<String, Object> properties(Configuration c) {
        Dictionary<String, Object> p = c.getProperties();
        return p == null ? new Hashtable<>() : p;
    }

    private static RuleTable stored(Dictionary<String, Object> props) {
        try {
            return RuleTable.parse(entries(props.get(RULES)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the stored rules are refused (" + e.getMessage() + "): fix them with "
                    + "trusthub:policy-set or in " + PID + " first", e);
        }
    }

    private Change store(Configuration c, Dictionary<String, Object> props, RuleTable next, boolean force)
            throws IOException {
        List<String> lowered = table.lowered(next, members());
        if (!lowered.isEmpty() && !force) {
            throw new Lowers(lowered);
        }
        // One string: a Karaf .cfg file holds it as written and reads it back the same.
        props.put(RULES, next.toString());
        c.update(props);
        LOG.info("Security policy changed from the console: {} rule(s) stored", next.rules().size());
        // In force now, read back from Config Admin as every callback does (which may come later and then changes
        // nothing).
        apply();
        if (!lowered.isEmpty()) {
            LOG.warn("Security policy: protection lowered from the console (--force): {}", String.join("; ", lowered));
        }
        return new Change(true, lowered);
    }

    /** The rules of a configured value: one per line or ';'-separated, in any form Config Admin delivers. */
    static List<String> entries(Object v) {
        List<String> values = new ArrayList<>();
        if (v instanceof String[] a) {
            values.addAll(List.of(a));
        } else if (v instanceof Collection<?> l) {
            l.forEach(o -> values.add(String.valueOf(o)));
        } else if (v != null) {
            values.add(v.toString());
        }
        List<String> lines = new ArrayList<>();
        for (String value : values) {
            // A bracketed list is one value whatever it holds; anything else may hold several lines.
            lines.addAll(value.strip().startsWith("[") ? List.of(value) : List.of(value.split("\r\n|\r|\n")));
        }
        return ConfigLists.entries(lines.toArray(String[]::new), ';');
    }

    private Function<String, Set<ThingId>> members() {
        GroupKeyService g = groups;
        // null: membership cannot be told now, which grants nothing and lowers no protection requirement
        if (g == null) {
            return name -> null;
        }
        return name -> {
            try {
                return g.group(name).map(GroupInfo::members).map(m -> (Set<ThingId>) m).orElse(Set.of());
            } catch (RuntimeException e) {
                // The group service failing (or going away mid-call) is no group service.
                return null;
            }
        };
    }

    @Override
    public Protection inbound(ThingId thing, String protocol) {
        return table.required(thing, protocol, true, members());
    }

    @Override
    public Protection outbound(ThingId thing, String protocol) {
        return table.required(thing, protocol, false, members());
    }

    @Override
    public boolean mayRead(ThingId caller, ThingId target, String property) {
        return table.mayAccess(false, caller, target, property, members());
    }

    @Override
    public boolean mayReadUnauthenticated(ThingId target, String property) {
        return table.mayReadUnauthenticated(target, property, members());
    }

    @Override
    public boolean mayWrite(ThingId caller, ThingId target, String property) {
        return table.mayAccess(true, caller, target, property, members());
    }

    @Override
    public boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes) {
        return table.mayRequestToken(client, audience, scopes, members());
    }

    @Override
    public boolean mayPair(ThingId thing, ThingId peer) {
        return table.mayPair(thing, peer, members());
    }
}
