package org.trusthub.shell.internal;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.TrustPurpose;

@Service
@Command(scope = "trusthub", name = "trust-anchor-add",
        description = "Adds a trust anchor: a CA certificate (PEM or DER file) that vouches for certificates of the "
                + "purposes given: dtls, tls, wss (thing identities per protocol), firmware (code signing), "
                + "attestation")
public class TrustAnchorAddCommand extends TrustHubAction {

    @Reference
    ThingKeyStore keyStore;

    @Argument(index = 0, name = "alias", description = "1 to 64 lower-case letters, digits, '.', '_' and '-'",
            required = true)
    String alias;

    @Argument(index = 1, name = "certificate-file", description = "The certificate, PEM or DER", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Option(name = "--purpose", description = "What the anchor vouches for (repeat for several): dtls, tls, wss, "
            + "firmware, attestation. At least one; there is no 'all'", multiValued = true)
    @Completion(TrustPurposeCompleter.class)
    List<String> purposes;

    @Override
    protected void run() throws Exception {
        if (purposes == null || purposes.isEmpty()) {
            throw new IllegalArgumentException("give the anchor's purposes with --purpose (dtls, tls, wss, firmware, "
                    + "attestation; repeat for several)");
        }
        Set<TrustPurpose> chosen = EnumSet.noneOf(TrustPurpose.class);
        for (String p : purposes) {
            chosen.add(TrustPurpose.of(p));
        }
        X509Certificate cert = CredentialFiles.readX509(Path.of(file));
        keyStore.addTrustAnchor(alias, cert, chosen);
        out().println("Trust anchor " + alias + " added for " + TrustAnchorListCommand.purposes(chosen) + ": "
                + cert.getSubjectX500Principal().getName() + ", SHA-256 "
                + Formats.fingerprint(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())));
    }
}
