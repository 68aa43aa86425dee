package org.trusthub.shell.internal;

import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.TrustAnchorEntry;
import org.trusthub.api.keystore.TrustPurpose;

@Service
@Command(scope = "trusthub", name = "trust-anchor-list",
        description = "Lists the certificates the hub trusts, with what each vouches for")
public class TrustAnchorListCommand extends TrustHubAction {

    @Reference
    ThingKeyStore keyStore;

    @Override
    protected void run() throws Exception {
        List<TrustAnchorEntry> anchors = keyStore.trustAnchorEntries();
        PrintStream out = out();
        if (anchors.isEmpty()) {
            out.println("No trust anchors.");
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Alias");
        table.column("Purposes");
        table.column("Subject");
        table.column("Not after");
        table.column("SHA-256");
        boolean migrated = false;
        for (TrustAnchorEntry e : anchors) {
            X509Certificate cert = e.certificate();
            migrated |= e.migrated();
            table.addRow().addContent(e.alias(), purposes(e.purposes()) + (e.migrated() ? " (migrated)" : ""),
                    cert.getSubjectX500Principal().getName(), Formats.time(cert.getNotAfter().toInstant()),
                    Formats.fingerprint(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())));
        }
        table.print(out);
        if (migrated) {
            out.println("Anchors marked (migrated) were added before anchors had purposes and serve "
                    + purposes(TrustPurpose.MIGRATED) + " only: remove each and add it again with --purpose.");
        }
    }

    static String purposes(Set<TrustPurpose> purposes) {
        return purposes.stream().sorted().map(TrustPurpose::id).collect(Collectors.joining(","));
    }
}
