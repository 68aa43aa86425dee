package org.trusthub.shell.internal;

import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.keystore.ThingKeyStore;

@Service
@Command(scope = "trusthub", name = "hub-identity",
        description = "Shows the hub's certificate: subject, SHA-256 fingerprint, validity (never the private key)")
public class HubIdentityCommand extends TrustHubAction {

    @Reference
    ThingKeyStore keyStore;

    @Override
    protected void run() throws Exception {
        // Only the certificate is touched; the private key stays in the HubIdentity object.
        X509Certificate cert = keyStore.hubIdentity().certificate();
        PrintStream out = out();
        Formats.field(out, "Subject", cert.getSubjectX500Principal().getName());
        Formats.field(out, "Issuer", cert.getIssuerX500Principal().getName());
        Formats.field(out, "Serial", cert.getSerialNumber().toString(16));
        Formats.field(out, "SHA-256",
                Formats.fingerprint(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())));
        Formats.field(out, "Not before", Formats.time(cert.getNotBefore().toInstant()));
        Formats.field(out, "Not after", Formats.time(cert.getNotAfter().toInstant()));
        String key = cert.getPublicKey() instanceof ECPublicKey ec
                ? "EC " + ec.getParams().getCurve().getField().getFieldSize() + "-bit"
                : cert.getPublicKey().getAlgorithm();
        Formats.field(out, "Public key", key);
    }
}
