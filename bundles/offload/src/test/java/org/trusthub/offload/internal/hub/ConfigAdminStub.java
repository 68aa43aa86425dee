package org.trusthub.offload.internal.hub;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Config Admin in memory, as much of it as {@link OffloadGrants} uses: one configuration per PID, properties copied in
 * and out, updates counted. Hands every update to the component as Config Admin would ({@link #component}).
 */
public final class ConfigAdminStub {
    private final Map<String, Hashtable<String, Object>> stored = new HashMap<>();
    public int updates;
    public OffloadGrants component;
    public final ConfigurationAdmin admin = (ConfigurationAdmin) Proxy.newProxyInstance(
            ConfigAdminStub.class.getClassLoader(), new Class<?>[] {ConfigurationAdmin.class}, (p, m, args) -> {
                if (m.getName().equals("getConfiguration")) {
                    return configuration((String) args[0]);
                }
                throw new UnsupportedOperationException(m.getName());
            });

    private Configuration configuration(String pid) {
        return (Configuration) Proxy.newProxyInstance(ConfigAdminStub.class.getClassLoader(),
                new Class<?>[] {Configuration.class}, (p, m, args) -> switch (m.getName()) {
                    case "getPid" -> pid;
                    case "getProperties" -> stored.containsKey(pid) ? new Hashtable<>(stored.get(pid)) : null;
                    case "update" -> {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
                        Hashtable<String, Object> copy = new Hashtable<>();
                        for (String k : java.util.Collections.list(d.keys())) {
                            copy.put(k, d.get(k));
                        }
                        stored.put(pid, copy);
                        updates++;
                        if (component != null && OffloadGrants.PID.equals(pid)) {
                            component.apply(config(copy.get(OffloadGrants.GRANTS)));
                        }
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** What is stored under the grants PID, as Config Admin would hand it to a bundle. */
    public Object storedGrants() {
        Hashtable<String, Object> p = stored.get(OffloadGrants.PID);
        return p == null ? null : p.get(OffloadGrants.GRANTS);
    }

    /** Stores a value as the configuration file would, without telling the component. */
    public void store(Object grants) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(OffloadGrants.GRANTS, grants);
        stored.put(OffloadGrants.PID, p);
    }

    /** A grants component over this Config Admin, activated with what is stored. */
    public OffloadGrants activate() {
        component = new OffloadGrants();
        component.configAdmin = admin;
        component.apply(config(storedGrants()));
        return component;
    }

    /** The component's configuration for a stored value (a String, as a .cfg gives it, or a String[]). */
    public static OffloadGrants.Config config(Object value) {
        String[] grants = value == null ? new String[0] : value instanceof String[] a ? a
                : value instanceof List<?> l ? l.toArray(String[]::new) : new String[] {value.toString()};
        return new OffloadGrants.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return OffloadGrants.Config.class;
            }

            @Override
            public String[] grants() {
                return grants;
            }
        };
    }
}
