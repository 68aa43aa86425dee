package org.trusthub.security.tls.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

import org.trusthub.api.keystore.HubIdentity;

/** Offers the hub identity, and nothing else, for both roles: no key file, no password, no copy of the key. */
final class HubKeyManager extends X509ExtendedKeyManager {

    static final String ALIAS = "trusthub-hub";

    private final Supplier<HubIdentity> identity;

    HubKeyManager(Supplier<HubIdentity> identity) {
        this.identity = identity;
    }

    private String aliasFor(String[] keyTypes) {
        String algorithm = identity.get().certificate().getPublicKey().getAlgorithm();
        if (keyTypes == null) {
            return ALIAS;
        }
        for (String type : keyTypes) {
            if (type.equalsIgnoreCase(algorithm) || type.startsWith("EC") && "EC".equals(algorithm)) {
                return ALIAS;
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliasFor(new String[] {keyType}) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(new String[] {keyType});
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(new String[] {keyType});
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? new X509Certificate[] {identity.get().certificate()} : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? identity.get().privateKey() : null;
    }
}
