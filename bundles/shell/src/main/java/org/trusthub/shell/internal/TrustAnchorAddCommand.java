package org.trusthub.shell.internal;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.trusthub.api.keystore.ThingKeyStore;

@Service
@Command(scope = "trusthub", name = "trust-anchor-add",
        description = "Adds a trust anchor: a CA certificate (PEM or DER file) that vouches for things' certificates")
public class TrustAnchorAddCommand extends TrustHubAction {

    @Reference
    ThingKeyStore keyStore;

    @Argument(index = 0, name = "alias", description = "1 to 64 lower-case letters, digits, '.', '_' and '-'",
            required = true)
    String alias;

    @Argument(index = 1, name = "certificate-file", description = "The certificate, PEM or DER", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Override
    protected void run() throws Exception {
        X509Certificate cert = CredentialFiles.readX509(Path.of(file));
        keyStore.addTrustAnchor(alias, cert);
        out().println("Trust anchor " + alias + " added: " + cert.getSubjectX500Principal().getName() + ", SHA-256 "
                + Formats.fingerprint(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())));
    }
}
