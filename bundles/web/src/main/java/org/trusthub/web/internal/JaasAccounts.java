package org.trusthub.web.internal;

import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

/**
 * Karaf's JAAS realm (the same accounts as the console's: {@code etc/users.properties} or whatever login modules the
 * realm has). Roles are the subject's {@code RolePrincipal}s.
 */
final class JaasAccounts implements Accounts {

    private static final String ROLE_PRINCIPAL = "org.apache.karaf.jaas.boot.principal.RolePrincipal";

    private final String realm;

    JaasAccounts(String realm) {
        this.realm = realm;
    }

    @Override
    public Optional<Set<String>> authenticate(String user, char[] password) {
        Subject subject = new Subject();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Karaf's login modules are found through its boot-delegated proxy module, by the JAAS configuration Karaf
        // installed: the bundle's class loader must not be the one JAAS searches.
        thread.setContextClassLoader(null);
        try {
            LoginContext login = new LoginContext(realm, subject, callbacks -> {
                for (Callback c : callbacks) {
                    if (c instanceof NameCallback n) {
                        n.setName(user);
                    } else if (c instanceof PasswordCallback p) {
                        p.setPassword(password);
                    } else {
                        throw new UnsupportedCallbackException(c);
                    }
                }
            });
            login.login();
            Set<String> roles = new TreeSet<>();
            for (Principal p : subject.getPrincipals()) {
                if (p.getClass().getName().equals(ROLE_PRINCIPAL)) {
                    roles.add(p.getName());
                }
            }
            login.logout();
            return Optional.of(roles);
        } catch (LoginException e) {
            return Optional.empty();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
