package org.trusthub.lifecycle.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.trusthub.api.thing.JournalEntry;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;

/**
 * The registry's record format. Each record carries the whole thing after the change, so replaying a record
 * never depends on an earlier one being intact in memory: a CHANGE adds one journal entry, a SNAPSHOT (written
 * by compaction) replaces the journal. Names rather than ordinals are stored so enums may grow. Version 2 names who
 * made each step; version 1 records (which do not) are still read.
 */
final class RegistryRecords {

    static final byte FORMAT_VERSION = 2;
    /** The format before journal entries named who made them. */
    static final byte FORMAT_VERSION_1 = 1;
    static final byte CHANGE = 1;
    static final byte SNAPSHOT = 2;
    /** A rebootstrap begun (keys about to be rotated) or abandoned; a CHANGE of the thing completes it. */
    static final byte REBOOTSTRAP_INTENT = 3;
    /**
     * An enrollment begun (keys about to enter the keystore) or abandoned; the thing's first CHANGE completes it.
     * Only an id with a pending one may have its keys discarded at start: keys the registry never announced are
     * left alone, whatever else the registry lacks.
     */
    static final byte ENROLL_INTENT = 4;

    /** A decoded record: the thing and the journal entries it carries, or (for an intent) the intent alone. */
    record Decoded(byte type, Thing thing, List<JournalEntry> entries, Intent intent, EnrollIntent enrollment) {
        Decoded(byte type, Thing thing, List<JournalEntry> entries) {
            this(type, thing, entries, null, null);
        }
    }

    /** An enrollment of {@code thing} begun ({@code pending}) or abandoned. */
    record EnrollIntent(ThingId thing, boolean pending) {
    }

    /**
     * A rebootstrap of a thing whose keys are being rotated: {@code generations} are the thing's key generations
     * before the rotation (by layer ordinal), so a restart can tell whether the rotation happened.
     * {@code pending == false} abandons it.
     */
    record Intent(ThingId thing, boolean pending, int[] generations) {
    }

    /** A record that cannot be decoded; the message says what is wrong, never more. */
    static final class MalformedRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private RegistryRecords() {
    }

    static byte[] change(Thing thing, JournalEntry entry) {
        return encode(CHANGE, thing, List.of(entry));
    }

    static byte[] snapshot(Thing thing, Collection<JournalEntry> history) {
        return encode(SNAPSHOT, thing, history);
    }

    /** {@code pending == false} abandons the enrollment of {@code thing}. */
    static byte[] enrollIntent(ThingId thing, boolean pending) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeByte(ENROLL_INTENT);
            out.writeUTF(thing.value());
            out.writeBoolean(pending);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode registry record", e);
        }
        return bytes.toByteArray();
    }

    static byte[] intent(Intent intent) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeByte(REBOOTSTRAP_INTENT);
            out.writeUTF(intent.thing().value());
            out.writeBoolean(intent.pending());
            out.writeByte(intent.generations().length);
            for (int g : intent.generations()) {
                out.writeInt(g);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode registry record", e);
        }
        return bytes.toByteArray();
    }

    private static byte[] encode(byte type, Thing thing, Collection<JournalEntry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + 48 * entries.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeByte(type);
            out.writeUTF(thing.id().value());
            out.writeUTF(thing.state().name());
            out.writeUTF(thing.owner());
            writeInstant(out, thing.enrolled());
            writeInstant(out, thing.changed());
            out.writeInt(thing.commissionCount());
            out.writeInt(entries.size());
            for (JournalEntry e : entries) {
                out.writeUTF(e.transition());
                out.writeBoolean(e.from() != null);
                if (e.from() != null) {
                    out.writeUTF(e.from().name());
                }
                out.writeUTF(e.to().name());
                writeInstant(out, e.at());
                out.writeBoolean(e.by() != null);
                if (e.by() != null) {
                    out.writeUTF(e.by());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode registry record", e);
        }
        return bytes.toByteArray();
    }

    static Decoded decode(byte[] record) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION && version != FORMAT_VERSION_1) {
                throw new MalformedRecordException("registry record has format version " + version
                        + ", this bundle reads versions " + FORMAT_VERSION_1 + " and " + FORMAT_VERSION, null);
            }
            byte type = in.readByte();
            if (type == REBOOTSTRAP_INTENT) {
                ThingId id = ThingId.of(in.readUTF());
                boolean pending = in.readBoolean();
                int[] generations = new int[in.readUnsignedByte()];
                for (int i = 0; i < generations.length; i++) {
                    generations[i] = in.readInt();
                }
                if (in.available() != 0) {
                    throw new MalformedRecordException("registry record of thing '" + id + "' has "
                            + in.available() + " trailing bytes", null);
                }
                return new Decoded(type, null, List.of(), new Intent(id, pending, generations), null);
            }
            if (type == ENROLL_INTENT) {
                ThingId id = ThingId.of(in.readUTF());
                boolean pending = in.readBoolean();
                if (in.available() != 0) {
                    throw new MalformedRecordException("registry record of thing '" + id + "' has "
                            + in.available() + " trailing bytes", null);
                }
                return new Decoded(type, null, List.of(), null, new EnrollIntent(id, pending));
            }
            if (type != CHANGE && type != SNAPSHOT) {
                throw new MalformedRecordException("registry record has unknown type " + type, null);
            }
            ThingId id = ThingId.of(in.readUTF());
            LifecycleState state = LifecycleState.valueOf(in.readUTF());
            String owner = in.readUTF();
            Instant enrolled = readInstant(in);
            Instant changed = readInstant(in);
            int commissions = in.readInt();
            Thing thing = new Thing(id, state, owner, enrolled, changed, commissions);
            int n = in.readInt();
            if (n < 0 || (type == CHANGE && n != 1)) {
                throw new MalformedRecordException("registry record of thing '" + id + "' has " + n
                        + " journal entries", null);
            }
            List<JournalEntry> entries = new ArrayList<>(Math.min(n, 64));
            for (int i = 0; i < n; i++) {
                String transition = in.readUTF();
                LifecycleState from = in.readBoolean() ? LifecycleState.valueOf(in.readUTF()) : null;
                LifecycleState to = LifecycleState.valueOf(in.readUTF());
                Instant at = readInstant(in);
                String by = version != FORMAT_VERSION_1 && in.readBoolean() ? in.readUTF() : null;
                entries.add(new JournalEntry(at, from, to, transition, by));
            }
            if (in.available() != 0) {
                throw new MalformedRecordException("registry record of thing '" + id + "' has "
                        + in.available() + " trailing bytes", null);
            }
            return new Decoded(type, thing, entries);
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedRecordException m) {
                throw m;
            }
            throw new MalformedRecordException("registry record cannot be decoded: " + e, e);
        }
    }

    private static void writeInstant(DataOutputStream out, Instant instant) throws IOException {
        out.writeLong(instant.getEpochSecond());
        out.writeInt(instant.getNano());
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }
}
