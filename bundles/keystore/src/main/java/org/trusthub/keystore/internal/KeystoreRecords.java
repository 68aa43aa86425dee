package org.trusthub.keystore.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.Mechanisms;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.thing.ThingId;

/**
 * The keystore's record format (version 1). Every state change is one record, so it is atomic; a compaction writes
 * the hub record and one full {@link ThingRec} per thing. The records live only inside the sealed store; their
 * {@code toString} never shows key bytes.
 */
final class KeystoreRecords {

    static final int VERSION = 1;
    static final int LAYERS = Layer.values().length;

    private static final int HUB = 1;
    private static final int THING = 2;
    private static final int ROTATE = 3;
    private static final int REVOKE = 4;
    private static final int COUNTER = 5;
    private static final int USAGE = 6;
    private static final int STORED_KEY = 7;
    private static final int DELETE_STORED_KEY = 8;
    private static final int DISCARD = 9;
    private static final int ANCHOR = 10;
    private static final int ANCHOR_REMOVED = 11;
    private static final int REPLAY_MARK = 12;
    private static final int ANCHOR_PURPOSES = 13;

    private static final int MAX_BLOB = 1 << 20;

    private KeystoreRecords() {
    }

    sealed interface Rec permits Hub, ThingRec, Rotate, Revoke, CounterMark, Usage, StoredKey, DeleteStoredKey,
            Discard, Anchor, AnchorRemoved, ReplayMark {
    }

    /** The hub identity: DER certificate and PKCS#8 private key. */
    record Hub(byte[] certificate, byte[] pkcs8) implements Rec {
        @Override
        public String toString() {
            return "Hub[redacted]";
        }
    }

    /** A thing's whole state: written at enrollment and by compaction. {@code prk} is null once revoked. */
    record ThingRec(ThingId thing, RootCredential.Kind kind, byte[] certificate, String fingerprint,
            Instant enrolled, byte[] prk, Instant revoked, List<byte[]> retiredRoots, List<LayerRec> layers)
            implements Rec {
        @Override
        public String toString() {
            return "ThingRec[" + thing + ", redacted]";
        }
    }

    /** One layer of a {@link ThingRec}: its generation, usage and the counters' reservation marks. */
    record LayerRec(int generation, Instant created, Instant lastUsed, Set<String> mechanisms,
            Map<String, Long> counterMarks) {
    }

    /** New generations, indexed by layer ordinal; 0 leaves a layer as it is. */
    record Rotate(ThingId thing, Instant at, int[] generations) implements Rec {
    }

    /** Revocation: the tag identifies the destroyed root without revealing it, so it cannot be enrolled again. */
    record Revoke(ThingId thing, Instant at, byte[] retiredRoot) implements Rec {
    }

    /** Values below {@code mark} may have been handed out; after a restart the counter resumes at it. */
    record CounterMark(ThingId thing, Layer layer, String mechanism, int generation, long mark) implements Rec {
    }

    /**
     * An incoming replay mark of one source under a key: counters at or below {@code mark} are refused after a
     * restart. The latest record of a mark wins: marks written ahead only grow, and the exact mark a clean close
     * writes is at or above every counter accepted.
     */
    record ReplayMark(ThingId thing, Layer layer, String mechanism, int generation, String name, long mark)
            implements Rec {
    }

    /** When and for which mechanisms keys were derived, per layer; written lazily. */
    record Usage(ThingId thing, List<LayerUse> layers) implements Rec {
    }

    record LayerUse(int generation, Instant lastUsed, Set<String> mechanisms) {
    }

    /** A key kept for a layer's generation that is not derived from the root (install code, BLE LTK/IRK). */
    record StoredKey(ThingId thing, Layer layer, String mechanism, int generation, byte[] key) implements Rec {
        @Override
        public String toString() {
            return "StoredKey[" + thing + "/" + layer + "/" + mechanism + " gen " + generation + ", redacted]";
        }
    }

    /** A stored key destroyed on request. */
    record DeleteStoredKey(ThingId thing, Layer layer, String mechanism, int generation) implements Rec {
    }

    /** An enrollment undone before any key of it was used: the thing is back to what it was before. */
    record Discard(ThingId thing) implements Rec {
    }

    /**
     * A trust anchor: alias, DER certificate and purposes. {@code purposes} is null for an anchor stored before
     * anchors had purposes (record type 10); it is written back as such, so it stays marked as migrated.
     */
    record Anchor(String alias, byte[] certificate, Set<TrustPurpose> purposes) implements Rec {
    }

    record AnchorRemoved(String alias) implements Rec {
    }

    // ---- encoding

    static byte[] encode(Rec rec) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            if (rec instanceof Hub h) {
                out.writeByte(HUB);
                blob(out, h.certificate());
                blob(out, h.pkcs8());
            } else if (rec instanceof ThingRec t) {
                out.writeByte(THING);
                out.writeUTF(t.thing().value());
                out.writeByte(t.kind().ordinal());
                blob(out, t.certificate());
                out.writeUTF(t.fingerprint() == null ? "" : t.fingerprint());
                instant(out, t.enrolled());
                blob(out, t.prk());
                instant(out, t.revoked());
                out.writeShort(t.retiredRoots().size());
                for (byte[] r : t.retiredRoots()) {
                    blob(out, r);
                }
                for (LayerRec l : t.layers()) {
                    out.writeInt(l.generation());
                    instant(out, l.created());
                    instant(out, l.lastUsed());
                    strings(out, l.mechanisms());
                    out.writeShort(l.counterMarks().size());
                    for (Map.Entry<String, Long> c : l.counterMarks().entrySet()) {
                        out.writeUTF(c.getKey());
                        out.writeLong(c.getValue());
                    }
                }
            } else if (rec instanceof Rotate r) {
                out.writeByte(ROTATE);
                out.writeUTF(r.thing().value());
                instant(out, r.at());
                for (int g : r.generations()) {
                    out.writeInt(g);
                }
            } else if (rec instanceof Revoke r) {
                out.writeByte(REVOKE);
                out.writeUTF(r.thing().value());
                instant(out, r.at());
                blob(out, r.retiredRoot());
            } else if (rec instanceof CounterMark c) {
                out.writeByte(COUNTER);
                out.writeUTF(c.thing().value());
                out.writeByte(c.layer().ordinal());
                out.writeUTF(c.mechanism());
                out.writeInt(c.generation());
                out.writeLong(c.mark());
            } else if (rec instanceof Usage u) {
                out.writeByte(USAGE);
                out.writeUTF(u.thing().value());
                for (LayerUse l : u.layers()) {
                    out.writeInt(l.generation());
                    instant(out, l.lastUsed());
                    strings(out, l.mechanisms());
                }
            } else if (rec instanceof StoredKey k) {
                out.writeByte(STORED_KEY);
                out.writeUTF(k.thing().value());
                out.writeByte(k.layer().ordinal());
                out.writeUTF(k.mechanism());
                out.writeInt(k.generation());
                blob(out, k.key());
            } else if (rec instanceof DeleteStoredKey k) {
                out.writeByte(DELETE_STORED_KEY);
                out.writeUTF(k.thing().value());
                out.writeByte(k.layer().ordinal());
                out.writeUTF(k.mechanism());
                out.writeInt(k.generation());
            } else if (rec instanceof Discard d) {
                out.writeByte(DISCARD);
                out.writeUTF(d.thing().value());
            } else if (rec instanceof Anchor a) {
                out.writeByte(a.purposes() == null ? ANCHOR : ANCHOR_PURPOSES);
                out.writeUTF(a.alias());
                blob(out, a.certificate());
                if (a.purposes() != null) {
                    out.writeByte(a.purposes().size());
                    for (TrustPurpose p : a.purposes()) {
                        out.writeUTF(p.id());
                    }
                }
            } else if (rec instanceof AnchorRemoved a) {
                out.writeByte(ANCHOR_REMOVED);
                out.writeUTF(a.alias());
            } else if (rec instanceof ReplayMark r) {
                out.writeByte(REPLAY_MARK);
                out.writeUTF(r.thing().value());
                out.writeByte(r.layer().ordinal());
                out.writeUTF(r.mechanism());
                out.writeInt(r.generation());
                out.writeUTF(r.name());
                out.writeLong(r.mark());
            } else {
                throw new IllegalArgumentException("unknown record " + rec.getClass());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    private static void blob(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static void instant(DataOutputStream out, Instant t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            out.writeLong(t.getEpochSecond());
            out.writeInt(t.getNano());
        }
    }

    private static void strings(DataOutputStream out, Set<String> s) throws IOException {
        out.writeShort(s.size());
        for (String x : s) {
            out.writeUTF(x);
        }
    }

    // ---- decoding

    /**
     * Decodes one record.
     *
     * @throws MalformedRecordException if it is not a well-formed version 1 record
     */
    static Rec decode(byte[] record) throws MalformedRecordException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
        try {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new MalformedRecordException("record format version " + version + " (this keystore reads "
                        + VERSION + ")");
            }
            int type = in.readUnsignedByte();
            Rec rec = switch (type) {
                case HUB -> new Hub(requiredBlob(in, "hub certificate"), requiredBlob(in, "hub private key"));
                case THING -> thing(in);
                case ROTATE -> {
                    ThingId id = thingId(in);
                    Instant at = requiredInstant(in);
                    int[] gens = new int[LAYERS];
                    for (int i = 0; i < LAYERS; i++) {
                        gens[i] = in.readInt();
                    }
                    yield new Rotate(id, at, gens);
                }
                case REVOKE -> new Revoke(thingId(in), requiredInstant(in), requiredBlob(in, "retired root tag"));
                case COUNTER -> new CounterMark(thingId(in), layer(in), mechanism(in), in.readInt(), in.readLong());
                case USAGE -> {
                    ThingId id = thingId(in);
                    List<LayerUse> layers = new ArrayList<>(LAYERS);
                    for (int i = 0; i < LAYERS; i++) {
                        layers.add(new LayerUse(in.readInt(), instant(in), mechanisms(in)));
                    }
                    yield new Usage(id, layers);
                }
                case STORED_KEY -> new StoredKey(thingId(in), layer(in), mechanism(in), in.readInt(),
                        requiredBlob(in, "stored key"));
                case DELETE_STORED_KEY -> new DeleteStoredKey(thingId(in), layer(in), mechanism(in), in.readInt());
                case DISCARD -> new Discard(thingId(in));
                case ANCHOR -> new Anchor(alias(in), requiredBlob(in, "trust anchor certificate"), null);
                case ANCHOR_PURPOSES -> new Anchor(alias(in), requiredBlob(in, "trust anchor certificate"),
                        purposes(in));
                case ANCHOR_REMOVED -> new AnchorRemoved(alias(in));
                case REPLAY_MARK -> new ReplayMark(thingId(in), layer(in), mechanism(in), in.readInt(),
                        ReplayMarks.checkName(in.readUTF()), in.readLong());
                default -> throw new MalformedRecordException("unknown record type " + type);
            };
            if (in.available() != 0) {
                throw new MalformedRecordException(in.available() + " stray bytes after a record of type " + type);
            }
            return rec;
        } catch (EOFException e) {
            throw new MalformedRecordException("record ends early");
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedRecordException("malformed field: " + e.getMessage());
        }
    }

    private static ThingRec thing(DataInputStream in) throws IOException, MalformedRecordException {
        ThingId id = thingId(in);
        int kindOrdinal = in.readUnsignedByte();
        RootCredential.Kind[] kinds = RootCredential.Kind.values();
        if (kindOrdinal >= kinds.length) {
            throw new MalformedRecordException("unknown root kind " + kindOrdinal);
        }
        byte[] cert = blob(in);
        String fingerprint = in.readUTF();
        Instant enrolled = requiredInstant(in);
        byte[] prk = blob(in);
        Instant revoked = instant(in);
        int retiredCount = in.readUnsignedShort();
        List<byte[]> retired = new ArrayList<>(retiredCount);
        for (int i = 0; i < retiredCount; i++) {
            retired.add(requiredBlob(in, "retired root tag"));
        }
        List<LayerRec> layers = new ArrayList<>(LAYERS);
        for (int i = 0; i < LAYERS; i++) {
            int gen = in.readInt();
            Instant created = requiredInstant(in);
            Instant lastUsed = instant(in);
            Set<String> mechanisms = mechanisms(in);
            int counters = in.readUnsignedShort();
            Map<String, Long> marks = new LinkedHashMap<>();
            for (int c = 0; c < counters; c++) {
                marks.put(mechanism(in), in.readLong());
            }
            layers.add(new LayerRec(gen, created, lastUsed, mechanisms, marks));
        }
        return new ThingRec(id, kinds[kindOrdinal], cert, fingerprint.isEmpty() ? null : fingerprint, enrolled, prk,
                revoked, retired, layers);
    }

    private static ThingId thingId(DataInputStream in) throws IOException {
        return ThingId.of(in.readUTF());
    }

    private static String alias(DataInputStream in) throws IOException {
        return TrustAnchors.checkAlias(in.readUTF());
    }

    private static Set<TrustPurpose> purposes(DataInputStream in) throws IOException, MalformedRecordException {
        int n = in.readUnsignedByte();
        if (n == 0) {
            throw new MalformedRecordException("trust anchor without a purpose");
        }
        Set<TrustPurpose> s = EnumSet.noneOf(TrustPurpose.class);
        for (int i = 0; i < n; i++) {
            s.add(TrustPurpose.of(in.readUTF()));
        }
        return s;
    }

    private static String mechanism(DataInputStream in) throws IOException {
        return Mechanisms.check(in.readUTF());
    }

    private static Layer layer(DataInputStream in) throws IOException, MalformedRecordException {
        int ordinal = in.readUnsignedByte();
        if (ordinal >= LAYERS) {
            throw new MalformedRecordException("unknown layer " + ordinal);
        }
        return Layer.values()[ordinal];
    }

    private static Set<String> mechanisms(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        Set<String> s = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            s.add(mechanism(in));
        }
        return s;
    }

    private static byte[] blob(DataInputStream in) throws IOException, MalformedRecordException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > MAX_BLOB || n > in.available()) {
            throw new MalformedRecordException("field length " + n + " out of range");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static byte[] requiredBlob(DataInputStream in, String what) throws IOException, MalformedRecordException {
        byte[] b = blob(in);
        if (b == null) {
            throw new MalformedRecordException(what + " is missing");
        }
        return b;
    }

    private static Instant instant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }

    private static Instant requiredInstant(DataInputStream in) throws IOException, MalformedRecordException {
        Instant t = instant(in);
        if (t == null) {
            throw new MalformedRecordException("a required time is missing");
        }
        return t;
    }

    /** A record that authenticated but cannot be read: a bug or a newer format, never silently skipped. */
    static final class MalformedRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRecordException(String message) {
            super(message);
        }
    }

    /** Wipes the secret parts of a decoded record that will not be used. */
    static void wipe(Rec rec) {
        if (rec instanceof ThingRec t && t.prk() != null) {
            Arrays.fill(t.prk(), (byte) 0);
        } else if (rec instanceof Hub h) {
            Arrays.fill(h.pkcs8(), (byte) 0);
        } else if (rec instanceof StoredKey k) {
            Arrays.fill(k.key(), (byte) 0);
        }
    }

}
