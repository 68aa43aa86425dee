package org.trusthub.offload.internal.hub;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Config Admin in memory, as much of it as {@link OffloadGrants} uses: one configuration per PID, properties copied in
 * and out, updates counted. As the real one, it tells the component of an update later, on another thread: the
 * callbacks queue up until {@link #deliver()} hands them over, in order.
 */
public final class ConfigAdminStub {
    private final Map<String, Hashtable<String, Object>> stored = new HashMap<>();
    public int updates;
    private int pendingCallbacks;
    public OffloadGrants component;
    public final ConfigurationAdmin admin = (ConfigurationAdmin) Proxy.newProxyInstance(
            ConfigAdminStub.class.getClassLoader(), new Class<?>[] {ConfigurationAdmin.class}, (p, m, args) -> {
                if (m.getName().equals("getConfiguration")) {
                    return configuration((String) args[0]);
                }
                if (m.getName().equals("listConfigurations")) {
                    String filter = (String) args[0];
                    return stored.keySet().stream().filter(pid -> filter.equals("(service.pid=" + pid + ")"))
                            .map(this::configuration).toArray(Configuration[]::new);
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
                        if (OffloadGrants.PID.equals(pid)) {
                            pendingCallbacks++;
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

    /** Hands the component the callbacks of the updates so far, in order; returns how many. */
    public int deliver() {
        int n = pendingCallbacks;
        for (; pendingCallbacks > 0; pendingCallbacks--) {
            component.apply();
        }
        return n;
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
        component.apply();
        return component;
    }
}
