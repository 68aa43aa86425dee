package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.jaas.config.JaasRealm;
import org.apache.karaf.jaas.modules.BackingEngine;
import org.apache.karaf.jaas.modules.BackingEngineFactory;
import org.junit.jupiter.api.Test;

/** The realm's accounts as Karaf registers them: entries name its ProxyLoginModule, the real module in an option. */
class JaasAccountAdminTest {

    private static final String PROPERTIES = "org.apache.karaf.jaas.modules.properties.PropertiesLoginModule";

    /** users: name to roles, as a backing engine of the properties module lists and changes them. */
    private final Map<String, List<String>> users = new TreeMap<>();
    private final List<JaasRealm> realms = new ArrayList<>();
    private final List<BackingEngineFactory> factories = new ArrayList<>();
    private final JaasAccountAdmin admin = new JaasAccountAdmin("karaf", realms, factories);

    private BackingEngine engine() {
        return (BackingEngine) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BackingEngine.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "listUsers" -> users.keySet().stream().map(UserPrincipal::new).toList();
                    case "listRoles" -> users.getOrDefault(((Principal) args[0]).getName(), List.of()).stream()
                            .map(RolePrincipal::new).toList();
                    case "addUser" -> {
                        users.put((String) args[0], new ArrayList<>());
                        yield null;
                    }
                    case "addRole" -> {
                        users.get((String) args[0]).add((String) args[1]);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private void karafRealm() {
        AppConfigurationEntry entry = new AppConfigurationEntry("org.apache.karaf.jaas.boot.ProxyLoginModule",
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                Map.of(JaasAccountAdmin.PROXIED_MODULE, PROPERTIES, "users", "etc/users.properties"));
        realms.add(new JaasRealm() {
            @Override
            public String getName() {
                return "karaf";
            }

            @Override
            public int getRank() {
                return 0;
            }

            @Override
            public AppConfigurationEntry[] getEntries() {
                return new AppConfigurationEntry[] { entry };
            }
        });
        factories.add(new BackingEngineFactory() {
            @Override
            public String getModuleClass() {
                return PROPERTIES;
            }

            @Override
            public BackingEngine build(Map<String, ?> options) {
                return engine();
            }
        });
    }

    @Test
    void findsTheModuleBehindKarafsProxyAndCreatesTheAdmin() {
        karafRealm();
        users.put("vic", new ArrayList<>(List.of("viewer")));
        assertFalse(admin.anyAdmin());
        assertTrue(admin.exists("vic"), "an account is found whatever its roles");
        assertFalse(admin.exists("olga"));
        admin.createAdmin("olga", "correct horse battery".toCharArray());
        assertEquals(List.of("admin"), users.get("olga"));
        assertTrue(admin.anyAdmin());
    }

    @Test
    void withoutTheRealmTheAnswerIsUnknownNotNone() {
        assertThrows(IllegalStateException.class, admin::anyAdmin);
        assertThrows(IllegalStateException.class, () -> admin.createAdmin("olga", "x".toCharArray()));
    }
}
