package org.trusthub.web.internal;

/** The operator accounts as the first start needs them: is there a dashboard admin yet, and making the first one. */
interface AccountAdmin {

    /** Whether any account holds the JAAS role {@value Role#JAAS_ADMIN}. */
    boolean anyAdmin();

    /** Whether an account of that name exists in the realm, whatever its roles. */
    boolean exists(String user);

    /**
     * Creates an account with the role {@value Role#JAAS_ADMIN}.
     *
     * @throws IllegalStateException if the realm cannot create accounts
     */
    void createAdmin(String user, char[] password);
}
