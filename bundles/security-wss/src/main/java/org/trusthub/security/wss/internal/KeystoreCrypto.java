package org.trusthub.security.wss.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.regex.Pattern;

import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.x500.X500Principal;

import org.apache.wss4j.common.crypto.CryptoBase;
import org.apache.wss4j.common.crypto.CryptoType;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.trusthub.api.keystore.HubIdentity;

/**
 * WSS4J's view of the keystore: the hub identity is the only private key (alias {@value #HUB_ALIAS}); a signing
 * certificate is trusted only when {@link Credentials#thingOf} names an active thing for it. No password, no key
 * file, no JKS: keys never leave the keystore's objects.
 */
final class KeystoreCrypto extends CryptoBase {

    /** The alias WSS4J signs under. */
    static final String HUB_ALIAS = "trusthub-hub";

    private final Credentials credentials;

    KeystoreCrypto(Credentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public X509Certificate[] getX509Certificates(CryptoType type) throws WSSecurityException {
        if (type == null) {
            return null;
        }
        X509Certificate hub = credentials.hub().certificate();
        boolean match = switch (type.getType()) {
            case ALIAS -> HUB_ALIAS.equals(type.getAlias());
            case ISSUER_SERIAL -> type.getIssuer() != null && type.getSerial() != null
                    && sameName(type.getIssuer(), hub.getIssuerX500Principal())
                    && type.getSerial().equals(hub.getSerialNumber());
            case SUBJECT_DN -> type.getSubjectDN() != null
                    && sameName(type.getSubjectDN(), hub.getSubjectX500Principal());
            case THUMBPRINT_SHA1 -> Arrays.equals(type.getBytes(), sha1(hub));
            case SKI_BYTES -> Arrays.equals(type.getBytes(), getSKIBytesFromCert(hub));
            default -> false;
        };
        return match ? new X509Certificate[] {hub} : null;
    }

    @Override
    public String getX509Identifier(X509Certificate certificate) {
        return credentials.hub().certificate().equals(certificate) ? HUB_ALIAS : null;
    }

    @Override
    public PrivateKey getPrivateKey(X509Certificate certificate, CallbackHandler handler) throws WSSecurityException {
        HubIdentity hub = credentials.hub();
        if (hub.certificate().equals(certificate)) {
            return hub.privateKey();
        }
        throw new WSSecurityException(WSSecurityException.ErrorCode.SECURITY_TOKEN_UNAVAILABLE, "noPrivateKey",
                new Object[] {"the message is encrypted to a key that is not the hub's"});
    }

    @Override
    public PrivateKey getPrivateKey(PublicKey publicKey, CallbackHandler handler) throws WSSecurityException {
        HubIdentity hub = credentials.hub();
        if (hub.certificate().getPublicKey().equals(publicKey)) {
            return hub.privateKey();
        }
        throw new WSSecurityException(WSSecurityException.ErrorCode.SECURITY_TOKEN_UNAVAILABLE, "noPrivateKey",
                new Object[] {"the message is encrypted to a key that is not the hub's"});
    }

    @Override
    public PrivateKey getPrivateKey(String alias, String password) throws WSSecurityException {
        if (HUB_ALIAS.equals(alias)) {
            return credentials.hub().privateKey();
        }
        throw new WSSecurityException(WSSecurityException.ErrorCode.SECURITY_TOKEN_UNAVAILABLE, "noPrivateKey",
                new Object[] {"no private key under that alias"});
    }

    @Override
    public void verifyTrust(X509Certificate[] certificates, boolean enableRevocation,
            Collection<Pattern> subjectCertConstraints, Collection<Pattern> issuerCertConstraints)
            throws WSSecurityException {
        if (certificates == null || certificates.length == 0 || credentials.thingOf(certificates[0]).isEmpty()) {
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION, "invalidCert");
        }
    }

    @Override
    public void verifyTrust(PublicKey publicKey) throws WSSecurityException {
        // A bare key value names nobody: only certificates of enrolled things are trusted.
        throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION, "invalidCert");
    }

    private static boolean sameName(String name, X500Principal principal) {
        try {
            return new X500Principal(name).equals(principal);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] sha1(X509Certificate certificate) throws WSSecurityException {
        try {
            // The WS-Security thumbprint reference is defined over SHA-1; it only looks a certificate up.
            return MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILURE, e);
        }
    }
}
