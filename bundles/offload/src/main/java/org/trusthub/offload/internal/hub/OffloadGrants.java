package org.trusthub.offload.internal.hub;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grants in force ({@link GrantTable}), kept in Config Admin under {@value #PID} so they survive a restart (and,
 * in Karaf, are written back to {@code etc/org.trusthub.offload.grants.cfg}). The shell edits them through
 * {@link #add} and {@link #remove}; a bad entry is refused there and changes nothing. A bad table arriving from the
 * file is refused whole: the grants in force stay (none, at start) and {@link #error()} says why.
 *
 * <p>Config Admin is the one source of truth: the table in force is always read back from the configuration stored
 * there, on every Config Admin callback and right after the shell's own update. A callback carries the properties of
 * the update that caused it and may arrive after later updates; taking its values would put an older table back in
 * force (a removed grant would briefly come back), so the values it carries are not used.
 */
@Component(service = OffloadGrants.class, configurationPid = OffloadGrants.PID, immediate = true)
@Designate(ocd = OffloadGrants.Config.class)
public class OffloadGrants {
    public static final String PID = "org.trusthub.offload.grants";
    static final String GRANTS = "grants";
    private static final Logger LOG = LoggerFactory.getLogger(OffloadGrants.class);

    @ObjectClassDefinition(name = "trusthub offload grants",
            description = "Which thing may get a token for which audience and scopes, and a pairwise key with which "
                    + "peer. Anything not granted here is refused.")
    public @interface Config {
        @AttributeDefinition(name = "Grants", description = "Comma-separated entries 'token CLIENT AUDIENCE "
                + "SCOPE...' and 'pair THING PEER'; CLIENT, AUDIENCE, THING and PEER are a thing id, @group (an "
                + "offload group's members) or * (any thing); scope * allows any scope. Empty (the default): "
                + "nothing is granted.")
        String[] grants() default {};
    }

    @Reference
    ConfigurationAdmin configAdmin;

    private volatile GrantTable table = GrantTable.EMPTY;
    private volatile String error;

    @Activate
    @Modified
    synchronized void apply() {
        GrantTable before = table;
        try {
            GrantTable t = GrantTable.parse(values(current().map(c -> c.get(GRANTS)).orElse(null)));
            boolean changed = !t.entries().equals(before.entries()) || error != null;
            table = t;
            error = null;
            if (changed) {
                LOG.info("Offload grants: {} entr{} in force{}", t.entries().size(),
                        t.entries().size() == 1 ? "y" : "ies", t.isEmpty() ? " (no token or pairwise key is issued)"
                                : "");
            }
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
            LOG.error("Offload grants in {} refused: {}; the {} grant(s) in force stay", PID, e.getMessage(),
                    table.entries().size());
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            // Config Admin failed to answer: keep what is in force rather than guess.
            error = "cannot read " + PID + " from Config Admin: " + e.getMessage();
            LOG.error("Offload grants: {}; the {} grant(s) in force stay", error, table.entries().size());
        }
    }

    /** The properties stored under the PID now, without creating a configuration that does not exist. */
    private Optional<Dictionary<String, Object>> current() throws IOException, InvalidSyntaxException {
        Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + PID + ")");
        if (found == null || found.length == 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(found[0].getProperties());
    }

    /** The grants in force. */
    public GrantTable table() {
        return table;
    }

    /** Why the configured table was refused, if it was. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /**
     * Adds one entry to the stored table and puts the result in force. Refuses a bad entry, or a stored table that
     * does not parse, with the reason and no change.
     *
     * @return whether the entry was new
     */
    public synchronized boolean add(String entry) throws IOException {
        Configuration c = configAdmin.getConfiguration(PID, null);
        Dictionary<String, Object> props = properties(c);
        GrantTable stored = stored(props);
        GrantTable next = stored.with(entry);
        if (next == stored) {
            return false;
        }
        store(c, props, next);
        return true;
    }

    /** Removes one entry (written as it was added) from the stored table; refuses one that is not there. */
    public synchronized void remove(String entry) throws IOException {
        Configuration c = configAdmin.getConfiguration(PID, null);
        Dictionary<String, Object> props = properties(c);
        store(c, props, stored(props).without(entry));
    }

    private static Dictionary<String, Object> properties(Configuration c) {
        Dictionary<String, Object> p = c.getProperties();
        return p == null ? new Hashtable<>() : p;
    }

    private static GrantTable stored(Dictionary<String, Object> props) {
        try {
            return GrantTable.parse(values(props.get(GRANTS)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the stored grants are refused (" + e.getMessage() + "): fix " + PID
                    + " first", e);
        }
    }

    private void store(Configuration c, Dictionary<String, Object> props, GrantTable next) throws IOException {
        // One string: a Karaf .cfg file holds it as written and reads it back the same.
        props.put(GRANTS, next.toString());
        c.update(props);
        LOG.info("Offload grants changed from the console: {} entr{} stored", next.entries().size(),
                next.entries().size() == 1 ? "y" : "ies");
        // In force now, read back from Config Admin as every callback does (which may come later, and then changes
        // nothing).
        apply();
    }

    private static Collection<String> values(Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof String[] a) {
            return Arrays.asList(a);
        }
        if (v instanceof Collection<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of(v.toString());
    }
}
