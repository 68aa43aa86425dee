package org.trusthub.shell.internal;

import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.keystore.ThingKeyStore;

@Service
@Command(scope = "trusthub", name = "trust-anchor-list",
        description = "Lists the certificates the hub trusts to vouch for things' certificates")
public class TrustAnchorListCommand extends TrustHubAction {

    @Reference
    ThingKeyStore keyStore;

    @Override
    protected void run() throws Exception {
        Map<String, X509Certificate> anchors = keyStore.trustAnchors();
        PrintStream out = out();
        if (anchors.isEmpty()) {
            out.println("No trust anchors.");
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Alias");
        table.column("Subject");
        table.column("Not after");
        table.column("SHA-256");
        for (Map.Entry<String, X509Certificate> e : anchors.entrySet()) {
            X509Certificate cert = e.getValue();
            table.addRow().addContent(e.getKey(), cert.getSubjectX500Principal().getName(),
                    Formats.time(cert.getNotAfter().toInstant()),
                    Formats.fingerprint(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())));
        }
        table.print(out);
    }
}
