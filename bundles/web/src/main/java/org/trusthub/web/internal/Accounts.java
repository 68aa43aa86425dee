package org.trusthub.web.internal;

import java.util.Optional;
import java.util.Set;

/** Checks a user name and password against the operator accounts. */
@FunctionalInterface
public interface Accounts {

    /**
     * The account's roles when the password is right, else empty. The password array is the caller's to wipe.
     */
    Optional<Set<String>> authenticate(String user, char[] password);
}
