package org.trusthub.security.oscore.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.thing.ThingId;
import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordStore;
import org.trusthub.storage.StoreException;

/**
 * The hub's durable OSCORE replay state (RFC 8613, 7.5.1 and Appendix B.1.2, "persist the replay window"): per thing
 * a high-water mark of the sequence numbers it accepted, kept in a {@link RecordStore}.
 *
 * <p>Why this is safe. The mark is written ahead in blocks: before a sequence number above the recorded mark is
 * accepted, {@code seq + BLOCK} is written and forced to disk, so one write covers the next {@code BLOCK} numbers and
 * every number ever accepted is at most the recorded mark. A restarted hub refuses every number at or below the mark
 * (4.01, as a replay), so no message seen before the restart is accepted again, whatever the in-memory window had
 * held; it may also refuse up to {@code BLOCK} fresh numbers the thing had not used yet, which costs the thing a
 * retry with a higher number (its own sender sequence keeps rising), never a key or a message. A crash mid-write
 * leaves the previous mark (RecordStore trims a torn tail), and the message whose write did not complete was never
 * accepted, so the previous mark still covers everything accepted.
 *
 * <p>A mark belongs to one key: it carries a tag, a one-way HMAC of the OSCORE master secret under a fixed label, and
 * counts only while the thing's context has that same secret. A rotation, revocation or re-enrollment gives the
 * thing another master secret and so a new context whose numbers start over; the old mark no longer applies and the
 * first accepted number under the new key replaces it. Messages recorded under the old key cannot verify under the
 * new one, so dropping the mark lets nothing old in. The tag reveals nothing of the secret (HMAC-SHA256, 8 bytes), so
 * the store holds no key and is sealed with {@link ChecksumSealer} only.
 */
final class ReplayMarks implements AutoCloseable {
    /** How far ahead of an accepted sequence number the mark goes: one disk write per this many messages. */
    static final int BLOCK = 32;
    static final String STORE_NAME = "oscore-replay";
    static final int TAG_LENGTH = 8;

    private static final Logger LOG = LoggerFactory.getLogger(ReplayMarks.class);
    private static final byte MARK = 1;
    private static final byte[] TAG_LABEL = "trusthub/oscore-replay-mark".getBytes(StandardCharsets.US_ASCII);

    private record Mark(byte[] tag, long value) {
    }

    private final RecordStore store;
    private final Map<ThingId, Mark> marks = new HashMap<>();

    private ReplayMarks(Path directory) throws StoreException {
        this.store = directory == null ? null
                : RecordStore.open(directory, STORE_NAME, ChecksumSealer.INSTANCE, this::replay);
    }

    /** Nothing survives a restart: the caller warns. */
    static ReplayMarks inMemory() {
        try {
            return new ReplayMarks(null);
        } catch (StoreException e) {
            throw new AssertionError(e);
        }
    }

    /** Opens or creates the marks in {@code directory}, replaying what a previous run recorded. */
    static ReplayMarks open(Path directory) throws StoreException {
        return new ReplayMarks(directory);
    }

    boolean durable() {
        return store != null;
    }

    /** The tag a mark is bound to: HMAC-SHA256(master secret, label), first 8 bytes. */
    static byte[] tag(byte[] masterSecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(masterSecret, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(TAG_LABEL), TAG_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * The highest sequence number a context under the key with {@code tag} must refuse: the recorded mark if it was
     * recorded under that key, else -1 (nothing recorded, or another key).
     */
    synchronized long floor(ThingId thing, byte[] tag) {
        Mark m = marks.get(thing);
        return m != null && Arrays.equals(m.tag(), tag) ? m.value() : -1;
    }

    /**
     * Makes sure {@code seq} is covered by the recorded mark before it is accepted; writes a new mark {@link #BLOCK}
     * ahead when it is not.
     *
     * @throws UncheckedIOException if the mark cannot be written: the message must then be refused
     */
    synchronized void reserve(ThingId thing, byte[] tag, long seq) {
        if (store == null) {
            return;
        }
        Mark m = marks.get(thing);
        if (m != null && Arrays.equals(m.tag(), tag) && seq <= m.value()) {
            return;
        }
        Mark next = new Mark(tag.clone(), seq + BLOCK);
        write(encode(thing, next));
        marks.put(thing, next);
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
        }
    }

    private void write(byte[] record) {
        try {
            store.append(record);
            if (store.shouldCompact()) {
                compact();
            }
        } catch (StoreException e) {
            throw new UncheckedIOException("OSCORE replay marks cannot be written: " + e.getMessage(),
                    new IOException(e));
        }
    }

    // A failed compaction leaves the journal as it was (RecordStore's promise); it is retried after the next write.
    private void compact() {
        List<byte[]> all = new ArrayList<>();
        marks.forEach((t, m) -> all.add(encode(t, m)));
        try {
            store.compact(all);
        } catch (StoreException e) {
            LOG.warn("OSCORE replay marks compaction failed, retried after the next write: {}", e.getMessage());
        }
    }

    private static byte[] encode(ThingId thing, Mark m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(MARK);
            out.writeUTF(thing.value());
            out.write(m.tag());
            out.writeLong(m.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    // A record that does not decode makes RecordStore refuse to open (StoreCorruptedException): starting with a
    // partial set of marks would accept old messages again.
    private void replay(byte[] record) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            if (in.readByte() != MARK) {
                throw new IllegalArgumentException("unknown OSCORE replay record kind");
            }
            ThingId thing = ThingId.of(in.readUTF());
            byte[] tag = in.readNBytes(TAG_LENGTH);
            long value = in.readLong();
            if (tag.length != TAG_LENGTH || in.available() != 0) {
                throw new IllegalArgumentException("malformed OSCORE replay record");
            }
            marks.put(thing, new Mark(tag, value));
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed OSCORE replay record", e);
        }
    }
}
