package org.trusthub.shell.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeyStatus;
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
        List<String> stored = storedKeys(keys);
        if (!stored.isEmpty()) {
            Formats.field(out, "Stored keys", String.join(", ", stored));
        }
    }

    /**
     * The stored (not derived) keys, as "LAYER mechanism": only the names. A key is looked up to learn whether it is
     * there and destroyed at once; its bytes never reach the output.
     */
    private List<String> storedKeys(KeyMetadata keys) {
        List<String> stored = new ArrayList<>();
        if (keys.status() != KeyStatus.ACTIVE) {
            return stored; // revocation destroyed them
        }
        for (LayerKeyMetadata layer : keys.layers()) {
            for (String mechanism : new TreeSet<>(layer.mechanisms())) {
                keyStore.storedKey(keys.thing(), layer.layer(), mechanism).ifPresent(k -> {
                    k.destroy();
                    stored.add(layer.layer().name() + " " + mechanism);
                });
            }
        }
        return stored;
    }
}
