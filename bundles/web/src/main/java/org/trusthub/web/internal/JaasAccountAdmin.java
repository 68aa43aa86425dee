package org.trusthub.web.internal;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.karaf.jaas.config.JaasRealm;
import org.apache.karaf.jaas.modules.BackingEngine;
import org.apache.karaf.jaas.modules.BackingEngineFactory;

/**
 * The accounts of a Karaf JAAS realm through the backing engines of its login modules, as {@code jaas:user-add}
 * reaches them (for the shipped realm: {@code etc/users.properties}, passwords stored hashed).
 */
final class JaasAccountAdmin implements AccountAdmin {

    /** {@code ProxyLoginModule.PROPERTY_MODULE}: the login module an entry of a Karaf realm stands for. */
    static final String PROXIED_MODULE = "org.apache.karaf.jaas.module";

    private final String realm;
    private final Collection<JaasRealm> realms;
    private final Collection<BackingEngineFactory> factories;

    /** The collections are the live ones of the component's dynamic references. */
    JaasAccountAdmin(String realm, Collection<JaasRealm> realms, Collection<BackingEngineFactory> factories) {
        this.realm = realm;
        this.realms = realms;
        this.factories = factories;
    }

    @Override
    public boolean anyAdmin() {
        List<BackingEngine> engines = engines();
        if (engines.isEmpty()) {
            // Karaf registers its realms a moment after the web bundle may start: unknown is not "none".
            throw new IllegalStateException("the JAAS realm " + realm + " is not available (yet)");
        }
        for (BackingEngine engine : engines) {
            for (Principal user : engine.listUsers()) {
                if (engine.listRoles(user).stream().anyMatch(r -> r.getName().equals(Role.JAAS_ADMIN))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean exists(String user) {
        for (BackingEngine engine : engines()) {
            for (Principal p : engine.listUsers()) {
                if (p.getName().equals(user)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void createAdmin(String user, char[] password) {
        List<BackingEngine> engines = engines();
        if (engines.isEmpty()) {
            throw new IllegalStateException("the JAAS realm " + realm + " has no login module that can add accounts");
        }
        // The first module is the one jaas:realm-manage picks by default, and the one a login asks first.
        BackingEngine engine = engines.get(0);
        engine.addUser(user, new String(password));
        engine.addRole(user, Role.JAAS_ADMIN);
    }

    /** The backing engines of the realm's login modules, in the realm's order; empty when the realm is absent. */
    List<BackingEngine> engines() {
        JaasRealm chosen = realms.stream().filter(r -> realm.equals(r.getName()))
                .max(Comparator.comparingInt(JaasRealm::getRank)).orElse(null);
        List<BackingEngine> engines = new ArrayList<>();
        if (chosen == null) {
            return engines;
        }
        for (AppConfigurationEntry entry : chosen.getEntries()) {
            // Karaf's realms name its ProxyLoginModule as the entry's module and the real one in this option.
            Object option = entry.getOptions().get(PROXIED_MODULE);
            String module = option instanceof String s ? s : entry.getLoginModuleName();
            for (BackingEngineFactory f : factories) {
                if (f.getModuleClass().equals(module)) {
                    engines.add(f.build(entry.getOptions()));
                    break;
                }
            }
        }
        return engines;
    }
}
