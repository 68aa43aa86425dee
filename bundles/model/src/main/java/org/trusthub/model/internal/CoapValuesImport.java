package org.trusthub.model.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.thing.ThingId;
import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordStore;
import org.trusthub.storage.StoreException;

/**
 * A hub upgraded from a release where the CoAP binding kept the values things wrote to it in a store of its own
 * ({@code coap-values} in {@code ${karaf.data}/trusthub/coap}): those values move into the model's store once, at
 * start, and the old files are renamed {@code *.imported} so they are not taken again.
 */
final class CoapValuesImport {

    static final String STORE_NAME = "coap-values";

    private static final Logger LOG = LoggerFactory.getLogger(CoapValuesImport.class);
    private static final byte PUT = 'P';
    private static final byte DROP = 'D';
    private static final byte FORGET = 'F';
    private static final String[] FILES = {".snapshot", ".journal", ".lock"};

    private CoapValuesImport() {
    }

    /**
     * Moves the old store's values in {@code directory}, if there is one, into {@code into}.
     *
     * @return how many values were taken
     * @throws StoreException if the old store is damaged (it is left as found, and nothing is taken)
     */
    static int run(Path directory, RawValueStore into) throws StoreException {
        if (directory == null || !Files.exists(directory.resolve(STORE_NAME + ".journal"))
                && !Files.exists(directory.resolve(STORE_NAME + ".snapshot"))) {
            return 0;
        }
        Map<ThingId, SortedMap<String, RawValue>> found = new TreeMap<>();
        // read in full while it opens; closed (its lock released) before the files are renamed
        RecordStore.open(directory, STORE_NAME, ChecksumSealer.INSTANCE, r -> replay(r, found)).close();
        int taken = into.adopt(found);
        for (String suffix : FILES) {
            Path file = directory.resolve(STORE_NAME + suffix);
            try {
                if (Files.exists(file)) {
                    Files.move(file, directory.resolve(STORE_NAME + suffix + ".imported"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                // taken again at the next start, where values written since win (adopt takes only missing ones)
                LOG.warn("old CoAP values file {} not renamed after import: {}", file, e.toString());
            }
        }
        LOG.info("thing model: took {} held CoAP values of {} things from the CoAP binding's old store in {}", taken,
                found.size(), directory);
        return taken;
    }

    // The old binding's records: P thing name format changed source length bytes, D thing name, F thing.
    private static void replay(byte[] record, Map<ThingId, SortedMap<String, RawValue>> values) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            byte kind = in.readByte();
            ThingId thing = ThingId.of(in.readUTF());
            switch (kind) {
                case PUT -> {
                    String name = in.readUTF();
                    int format = in.readInt();
                    Instant changed = Instant.ofEpochMilli(in.readLong());
                    String source = in.readUTF();
                    byte[] bytes = RawValueStore.readBytes(in, name);
                    // only what the thing wrote ("written") and what the hub set ("hub") was ever stored
                    Origin origin = "hub".equals(source) ? Origin.WRITE : Origin.REPORT;
                    values.computeIfAbsent(thing, t -> new TreeMap<>()).put(name,
                            new RawValue(bytes, format, changed, origin, true));
                }
                case DROP -> {
                    String name = in.readUTF();
                    SortedMap<String, RawValue> m = values.get(thing);
                    if (m != null) {
                        m.remove(name);
                        if (m.isEmpty()) {
                            values.remove(thing);
                        }
                    }
                }
                case FORGET -> values.remove(thing);
                default -> throw new IllegalArgumentException("unknown CoAP value record kind " + kind);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("CoAP value record cut short", e);
        }
    }
}
