package org.trusthub.security.policy.internal;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Config Admin in memory, as much of it as {@link PolicyComponent} uses: one configuration per PID, properties copied
 * in and out. As the real one, it tells the component of an update later: the callbacks queue up until
 * {@link #deliver()} hands them over, in order. A new stub over the same {@link #stored} map is a restart.
 */
public final class ConfigAdminStub {
    public final Map<String, Hashtable<String, Object>> stored;
    public int updates;
    private int pendingCallbacks;
    public PolicyComponent component;
    public final ConfigurationAdmin admin = (ConfigurationAdmin) Proxy.newProxyInstance(
            ConfigAdminStub.class.getClassLoader(), new Class<?>[] {ConfigurationAdmin.class}, (p, m, args) -> {
                if (m.getName().equals("getConfiguration")) {
                    return configuration((String) args[0]);
                }
                if (m.getName().equals("listConfigurations")) {
                    String filter = (String) args[0];
                    return pids().stream().filter(pid -> filter.equals("(service.pid=" + pid + ")"))
                            .map(this::configuration).toArray(Configuration[]::new);
                }
                throw new UnsupportedOperationException(m.getName());
            });

    public ConfigAdminStub() {
        this(new HashMap<>());
    }

    /** Config Admin after a restart: what was stored is there. */
    public ConfigAdminStub(Map<String, Hashtable<String, Object>> stored) {
        this.stored = stored;
    }

    private java.util.Set<String> pids() {
        return stored.keySet();
    }

    private Configuration configuration(String pid) {
        return (Configuration) Proxy.newProxyInstance(ConfigAdminStub.class.getClassLoader(),
                new Class<?>[] {Configuration.class}, (p, m, args) -> switch (m.getName()) {
                    case "getPid" -> pid;
                    case "getProperties" -> stored.containsKey(pid) ? new Hashtable<>(stored.get(pid)) : null;
                    case "update" -> {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
                        Hashtable<String, Object> copy = new Hashtable<>();
                        for (String k : Collections.list(d.keys())) {
                            copy.put(k, d.get(k));
                        }
                        stored.put(pid, copy);
                        updates++;
                        pendingCallbacks++;
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** What is stored under the policy PID, as Config Admin would hand it to a bundle. */
    public Object storedRules() {
        Hashtable<String, Object> p = stored.get(PolicyComponent.PID);
        return p == null ? null : p.get(PolicyComponent.RULES);
    }

    /** Hands the component the callbacks of the updates so far, in order; returns how many. */
    public int deliver() {
        int n = pendingCallbacks;
        for (; pendingCallbacks > 0; pendingCallbacks--) {
            component.apply();
        }
        return n;
    }

    /** Stores a value as the configuration file would and tells the component (when there is one). */
    public void file(Object rules) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(PolicyComponent.RULES, rules);
        stored.put(PolicyComponent.PID, p);
        if (component != null) {
            component.apply();
        }
    }

    /** A policy component over this Config Admin, activated with what is stored. */
    public PolicyComponent activate() {
        component = new PolicyComponent();
        component.configAdmin = admin;
        component.apply();
        return component;
    }
}
