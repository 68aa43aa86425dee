package org.trusthub.keystore.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.trusthub.storage.AesGcmSealer;
import org.trusthub.storage.RecordStore;

/** Opens a copy of a keystore's files with the storage API alone, to look at the decrypted records. */
final class StoreContents {

    private StoreContents() {
    }

    static List<byte[]> records(Fixture fx) throws Exception {
        Path copy = Files.createTempDirectory(fx.root, "inspect");
        for (String n : List.of(FileThingKeyStore.STORE_NAME + ".snapshot", FileThingKeyStore.STORE_NAME + ".journal")) {
            Path f = fx.storeDir.resolve(n);
            if (Files.exists(f)) {
                Files.copy(f, copy.resolve(n));
            }
        }
        AesGcmSealer sealer = new AesGcmSealer(Files.readAllBytes(fx.masterKey));
        List<byte[]> out = new ArrayList<>();
        try {
            RecordStore.open(copy, FileThingKeyStore.STORE_NAME, sealer, r -> out.add(r.clone())).close();
            return out;
        } finally {
            sealer.destroy();
        }
    }

    /** Whether any decrypted record, or any raw store file, contains the bytes. */
    static boolean contains(Fixture fx, byte[] needle) throws Exception {
        List<byte[]> haystacks = new ArrayList<>(records(fx));
        try (var files = Files.list(fx.storeDir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                haystacks.add(Files.readAllBytes(p));
            }
        }
        for (byte[] h : haystacks) {
            if (indexOf(h, needle) >= 0) {
                return true;
            }
        }
        return false;
    }

    static int indexOf(byte[] h, byte[] n) {
        outer:
        for (int i = 0; i + n.length <= h.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (h[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
