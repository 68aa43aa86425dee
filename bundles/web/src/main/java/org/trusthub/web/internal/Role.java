package org.trusthub.web.internal;

import java.util.Set;

/** What an account may do here, from its Karaf JAAS roles. */
public enum Role {
    /** Reads everything the API shows (JAAS role {@code viewer}). */
    VIEWER,
    /** Reads and changes (JAAS role {@code admin}). */
    ADMIN;

    /** JAAS role names. */
    public static final String JAAS_VIEWER = "viewer";
    public static final String JAAS_ADMIN = "admin";

    /** The strongest role the JAAS roles give, or null when they give none. */
    public static Role of(Set<String> jaasRoles) {
        if (jaasRoles.contains(JAAS_ADMIN)) {
            return ADMIN;
        }
        if (jaasRoles.contains(JAAS_VIEWER)) {
            return VIEWER;
        }
        return null;
    }

    /** Whether this role may do what {@code needed} allows. */
    public boolean covers(Role needed) {
        return ordinal() >= needed.ordinal();
    }
}
