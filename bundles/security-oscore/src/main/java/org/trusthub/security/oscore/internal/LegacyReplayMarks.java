package org.trusthub.security.oscore.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.oscore.OscoreIds;
import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordStore;
import org.trusthub.storage.StoreException;

/**
 * Imports the OSCORE replay marks that hub versions before the keystore kept them wrote to a store of their own
 * ({@code <dir>/oscore-replay.snapshot} and {@code .journal}, by default under {@code ${karaf.data}/trusthub/oscore}).
 * Without the import an upgraded hub would accept, once more, every message recorded before the upgrade up to the old
 * mark.
 *
 * <p>Each old record is {@code 0x01, thing id (modified UTF-8), 8-byte tag, mark (long)}; the last record of a thing
 * counts. The tag is the first 8 bytes of HMAC-SHA256 over a fixed label under the thing's master secret, so a mark
 * applies only while the thing still has that secret: a mark of replaced keys is dropped (nothing can verify under
 * them any more). An applicable mark goes to the keystore through {@link ThingKeyStore#advanceReplayMark}, which only
 * ever raises a mark, so the result is the larger of the old and the keystore's mark; importing twice changes nothing.
 *
 * <p>Once every record was read and carried, the store's files are renamed to {@code *.imported}, so the import runs
 * once. A damaged store, an undecodable record or a mark the keystore could not write leaves the files where they are
 * (the next start tries again) and is logged; nothing is lowered either way. No key, tag or mark value is logged.
 */
final class LegacyReplayMarks {
    static final String STORE_NAME = "oscore-replay";
    static final String IMPORTED_SUFFIX = ".imported";

    private static final Logger LOG = LoggerFactory.getLogger(LegacyReplayMarks.class);
    /** A start logs at most once per reason; a component restarted in a loop does not flood the log. */
    private static final LogLimiter REPORT = new LogLimiter(Duration.ofMinutes(10), 1);
    private static final byte RECORD_KIND = 1;
    private static final int TAG_LENGTH = 8;
    private static final byte[] TAG_LABEL = "trusthub/oscore-replay-mark".getBytes(StandardCharsets.US_ASCII);

    /** What one import found: marks carried to the keystore, dropped (replaced or unknown keys), not usable. */
    record Outcome(boolean found, int carried, int dropped, int malformed, int failed, boolean unreadable,
            boolean renamed) {
        static final Outcome NOTHING = new Outcome(false, 0, 0, 0, 0, false, false);

        boolean complete() {
            return found && !unreadable && malformed == 0 && failed == 0;
        }
    }

    private record OldMark(byte[] tag, long value) {
    }

    private LegacyReplayMarks() {
    }

    /** The directory an earlier version used when its {@code stateDirectory} was not set. */
    static Path defaultDirectory(String karafData) {
        return karafData == null ? null : Path.of(karafData, "trusthub", "oscore");
    }

    /** Imports the old marks in {@code directory} (nothing if it is null or holds no old store). */
    static Outcome importInto(Path directory, ThingKeyStore keys) {
        if (directory == null || !Files.exists(file(directory, ".snapshot"))
                && !Files.exists(file(directory, ".journal"))) {
            return Outcome.NOTHING;
        }
        Map<ThingId, OldMark> marks = new LinkedHashMap<>();
        int[] malformed = {0};
        try {
            // Read only: every record is replayed by open, and the store is closed right away.
            RecordStore.open(directory, STORE_NAME, ChecksumSealer.INSTANCE, record -> {
                if (!decode(record, marks)) {
                    malformed[0]++;
                }
            }).close();
        } catch (StoreException | RuntimeException e) {
            report("unreadable", "OSCORE replay marks of an earlier hub version in {} cannot be read ({}): none "
                    + "imported, the files are left in place and tried again at the next start; until then "
                    + "messages recorded before the upgrade may be accepted once more", directory,
                    e.getClass().getSimpleName());
            return new Outcome(true, 0, 0, 0, 0, true, false);
        }
        int carried = 0;
        int dropped = 0;
        int failed = 0;
        for (Map.Entry<ThingId, OldMark> e : marks.entrySet()) {
            switch (carry(keys, e.getKey(), e.getValue())) {
                case CARRIED -> carried++;
                case DROPPED -> dropped++;
                case FAILED -> failed++;
                default -> throw new AssertionError();
            }
        }
        Outcome partial = new Outcome(true, carried, dropped, malformed[0], failed, false, false);
        if (!partial.complete()) {
            report("incomplete", "OSCORE replay marks of an earlier hub version in {}: {} imported, {} of replaced "
                    + "keys dropped, {} records not decodable, {} not writable to the keystore; the files are left "
                    + "in place and tried again at the next start", directory, carried, dropped, malformed[0], failed);
            return partial;
        }
        boolean renamed = renameImported(directory);
        LOG.info("OSCORE replay marks of an earlier hub version in {} imported into the keystore: {} carried over, "
                + "{} of replaced keys dropped{}", directory, carried, dropped,
                renamed ? "; the old files are renamed to *" + IMPORTED_SUFFIX : "");
        return new Outcome(true, carried, dropped, 0, 0, false, renamed);
    }

    private enum Result {
        CARRIED, DROPPED, FAILED
    }

    private static Result carry(ThingKeyStore keys, ThingId thing, OldMark mark) {
        DerivedKey key;
        try {
            key = OscoreIds.masterSecretUnrecorded(keys, thing);
        } catch (KeystoreException | IllegalArgumentException | IllegalStateException e) {
            // Decommissioned, revoked or never enrolled: no key can verify a recorded message.
            return Result.DROPPED;
        }
        byte[] secret = key.bytes();
        try {
            if (!MessageDigest.isEqual(tag(secret), mark.tag())) {
                return Result.DROPPED;
            }
            // Raises the keystore's mark to the old one, never lowers it.
            keys.advanceReplayMark(key, ThingContextDb.markName(OscoreIds.thingSenderId(thing)), mark.value());
            return Result.CARRIED;
        } catch (KeystoreException | IllegalStateException e) {
            return Result.FAILED;
        } finally {
            Arrays.fill(secret, (byte) 0);
            key.destroy();
        }
    }

    /** The tag an earlier version bound a mark to: HMAC-SHA256(master secret, label), first 8 bytes. */
    static byte[] tag(byte[] masterSecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(masterSecret, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(TAG_LABEL), TAG_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether the record decoded; a later record of a thing replaces an earlier one, as it did when written. */
    private static boolean decode(byte[] record, Map<ThingId, OldMark> marks) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            if (in.readByte() != RECORD_KIND) {
                return false;
            }
            ThingId thing = ThingId.of(in.readUTF());
            byte[] tag = in.readNBytes(TAG_LENGTH);
            long value = in.readLong();
            if (tag.length != TAG_LENGTH || in.available() != 0 || value < 0) {
                return false;
            }
            marks.put(thing, new OldMark(tag, value));
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    // The journal first: a snapshot left alone still opens (and imports again, which changes nothing), a journal
    // left without its snapshot would not.
    private static boolean renameImported(Path directory) {
        try {
            for (String ext : new String[] {".journal", ".snapshot"}) {
                Path f = file(directory, ext);
                if (Files.exists(f)) {
                    Files.move(f, f.resolveSibling(f.getFileName() + IMPORTED_SUFFIX),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.deleteIfExists(file(directory, ".lock"));
            return true;
        } catch (IOException e) {
            report("rename", "OSCORE replay marks of an earlier hub version in {} are imported, but the files cannot "
                    + "be renamed ({}); the next start imports them again, which changes nothing", directory,
                    e.getClass().getSimpleName());
            return false;
        }
    }

    private static Path file(Path directory, String ext) {
        return directory.resolve(STORE_NAME + ext);
    }

    private static void report(String reason, String message, Object... args) {
        REPORT.admit(reason).ifPresent(left -> LOG.warn(message, args));
    }
}
