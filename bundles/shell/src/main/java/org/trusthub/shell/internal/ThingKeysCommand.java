package org.trusthub.shell.internal;

import java.io.PrintStream;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.keystore.ThingKeyStore;

@Service
@Command(scope = "trusthub", name = "thing-keys",
        description = "Shows a thing's key metadata per layer (never key bytes)")
public class ThingKeysCommand extends TrustHubAction {

    @Reference
    ThingKeyStore keyStore;

    @Argument(index = 0, name = "id", description = "The thing's id", required = true)
    @Completion(ThingIdCompleter.class)
    String id;

    @Override
    protected void run() throws Exception {
        KeyMetadata keys = keyStore.metadata(thingId(id));
        PrintStream out = out();
        Formats.field(out, "Thing", keys.thing());
        Formats.field(out, "Root", keys.rootKind());
        if (keys.rootFingerprint() != null) {
            Formats.field(out, "Root SHA-256", keys.rootFingerprint());
        }
        Formats.field(out, "Status", keys.status());
        Formats.field(out, "Enrolled", Formats.time(keys.enrolled()));
        if (keys.revoked() != null) {
            Formats.field(out, "Revoked", Formats.time(keys.revoked()));
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Layer");
        table.column("Generation");
        table.column("Created");
        table.column("Last used");
        table.column("Mechanisms");
        for (LayerKeyMetadata layer : keys.layers()) {
            String mechanisms = layer.mechanisms().isEmpty() ? "-" : String.join(",", new TreeSet<>(layer.mechanisms()));
            table.addRow().addContent(layer.layer().name(), layer.generation(), Formats.time(layer.created()),
                    Formats.time(layer.lastUsed()), mechanisms);
        }
        table.print(out);
    }
}
