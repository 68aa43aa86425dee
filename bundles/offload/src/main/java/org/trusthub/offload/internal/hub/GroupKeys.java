package org.trusthub.offload.internal.hub;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.Wire;

import com.upokecenter.cbor.CBORObject;

/**
 * Group keys by epoch. Every join and leave starts a new epoch with a fresh random key, so a member that left never
 * gets a key used after it left and a new member never gets one used before it joined. The last {@code window}
 * epochs are kept, so members still holding the previous epoch's key read traffic in flight while they fetch the new
 * one. Each member gets each key wrapped (AES key wrap, RFC 3394) under its own group key-encryption key together with
 * the epoch, the group's tag and its sender id in that epoch, so the wrap authenticates all four.
 *
 * <p>With durable state, each kept epoch's key is a stored key in the keystore ({@link EpochVault}) and the group's
 * record says which epochs are kept and who was in each: a restarted hub resumes the same epochs, so members keep
 * working and fetch nothing. The key is stored before the record names its epoch, and leaves the keystore after the
 * record no longer does; a crash between the two leaves a key no record names, which the next start destroys.
 */
public final class GroupKeys {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");

    private final Gate gate;
    private final Keys keys;
    private final Crypto crypto;
    private final Clock clock;
    private final Stats stats;
    private volatile int window;
    private final Map<String, Group> groups = new TreeMap<>();

    private static final class Epoch {
        final long number;
        final byte[] key;
        final List<ThingId> order;
        final Map<ThingId, Long> senders = new HashMap<>();
        final Instant started;

        // Sender ids are the members' positions in id order at the epoch's start.
        Epoch(long number, byte[] key, List<ThingId> order, Instant started) {
            this.number = number;
            this.key = key;
            this.order = List.copyOf(order);
            this.started = started;
            long s = 0;
            for (ThingId m : this.order) {
                senders.put(m, s++);
            }
        }

        OffloadState.EpochRecord record() {
            return new OffloadState.EpochRecord(number, order, started);
        }
    }

    private static final class Group {
        final String name;
        final TreeSet<ThingId> members = new TreeSet<>();
        final TreeMap<Long, Epoch> epochs = new TreeMap<>();
        // The last epoch number recorded: numbering continues after it even when its key could not be restored.
        long before;
        // Epochs whose keys came back from the keystore at start (shown, never the keys).
        int restored;

        Group(String name) {
            this.name = name;
        }
    }

    private final OffloadState state;
    private final EpochVault vault;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GroupKeys.class);

    public GroupKeys(Gate gate, Keys keys, Crypto crypto, Clock clock, Stats stats, int window, OffloadState state,
            EpochVault vault) {
        this.gate = gate;
        this.keys = keys;
        this.crypto = crypto;
        this.clock = clock;
        this.stats = stats;
        this.window = window;
        this.state = state;
        this.vault = vault;
        restore();
    }

    /**
     * Brings back the recorded groups with their kept epochs, keys from the keystore. A group re-keys only when it
     * must: a member stopped being OPERATIONAL while the hub was down (its event was missed; it holds the current
     * key), or the current epoch's key is not in the keystore (a record of a hub that kept no keys, or a keystore
     * restored from an older backup). Keys and group ids no record names (a crash cut a change short) are destroyed.
     */
    private synchronized void restore() {
        Set<ThingId> named = new java.util.HashSet<>();
        for (OffloadState.GroupRecord r : state.groups()) {
            named.add(EpochVault.groupId(r.name()));
            Group g = new Group(r.name());
            g.before = r.lastEpoch();
            boolean dropped = false;
            for (ThingId m : r.members()) {
                try {
                    keys.operational(m.value(), "member");
                    g.members.add(m);
                } catch (OffloadException e) {
                    dropped = true;
                    LOG.info("Group {}: '{}' dropped at restart ({})", r.name(), m, e.refusal());
                }
            }
            for (OffloadState.EpochRecord e : r.epochs()) {
                Optional<byte[]> key = vault.load(r.name(), e.number());
                if (key.isPresent()) {
                    g.epochs.put(e.number(), new Epoch(e.number(), key.get(), e.members(), e.started()));
                } else {
                    LOG.warn("Group {}: the key of epoch {} is not in the keystore; members fetch a new epoch",
                            r.name(), e.number());
                }
            }
            g.restored = g.epochs.size();
            groups.put(g.name, g);
            if (!vault.active(g.name)) {
                vault.prepare(g.name);
            }
            if (dropped || g.epochs.isEmpty() || g.epochs.lastKey() != r.lastEpoch()) {
                rekey(g);
            } else if (g.epochs.size() > window) {
                prune(g);
            }
            for (long orphan : vault.stored(g.name)) {
                if (!g.epochs.containsKey(orphan)) {
                    vault.delete(g.name, orphan);
                }
            }
            stats.housekeeping("epochs-restored", g.restored);
        }
        for (ThingId id : vault.activeGroupIds()) {
            if (!named.contains(id)) {
                LOG.info("Revoking {}: no group record names it (a create or delete was cut short)", id);
                vault.revoke(id);
            }
        }
    }

    public void window(int window) {
        this.window = window;
    }

    public synchronized GroupInfo create(String name, Set<ThingId> members) {
        try {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("malformed group name: 1 to 64 lower-case letters, digits, . _ : -");
            }
            if (groups.containsKey(name)) {
                throw new IllegalArgumentException("group " + name + " exists");
            }
            for (ThingId m : members) {
                keys.operational(m.value(), "member");
            }
            Group g = new Group(name);
            g.members.addAll(members);
            vault.prepare(name);
            try {
                rekey(g);
            } catch (RuntimeException e) {
                try {
                    vault.destroy(name);
                } catch (RuntimeException again) {
                    e.addSuppressed(again); // the next start revokes the id no record names
                }
                throw e;
            }
            groups.put(name, g);
            return info(g);
        } catch (OffloadException e) {
            throw stats.refused(e);
        }
    }

    public synchronized GroupInfo join(String name, ThingId member) {
        try {
            Group g = group(name, true);
            keys.operational(member.value(), "member");
            if (!g.members.add(member)) {
                return info(g);
            }
            try {
                rekey(g);
            } catch (RuntimeException e) {
                g.members.remove(member);
                throw e;
            }
            return info(g);
        } catch (OffloadException e) {
            throw stats.refused(e);
        }
    }

    public synchronized GroupInfo leave(String name, ThingId member) {
        try {
            Group g = group(name, true);
            if (!g.members.remove(member)) {
                throw new OffloadException(Refusal.UNKNOWN_MEMBER, "'" + member + "' is not a member of " + name);
            }
            try {
                rekey(g);
            } catch (RuntimeException e) {
                g.members.add(member);
                throw e;
            }
            return info(g);
        } catch (OffloadException e) {
            throw stats.refused(e);
        }
    }

    /** Removes a thing from every group it is in (it left OPERATIONAL); each of those groups re-keys. */
    public synchronized List<String> expel(ThingId thing) {
        List<String> left = new ArrayList<>();
        for (Group g : groups.values()) {
            if (g.members.remove(thing)) {
                try {
                    rekey(g);
                } catch (RuntimeException e) {
                    // The expelled member is out of memory and gets no key; a restart before the next write brings
                    // it back as a member, and the restart check drops it again if it is still not OPERATIONAL.
                    LOG.warn("Group {}: expelling '{}' not recorded: {}", g.name, thing, e.getMessage());
                    continue;
                }
                left.add(g.name);
            }
        }
        return left;
    }

    public synchronized boolean delete(String name) {
        Group g = groups.get(name);
        if (g == null) {
            return false;
        }
        state.groupDeleted(name);
        groups.remove(name);
        g.epochs.values().forEach(e -> Arrays.fill(e.key, (byte) 0));
        try {
            vault.destroy(name);
        } catch (RuntimeException e) {
            // The record is gone; the next start revokes the group id no record names.
            LOG.warn("Group {} deleted, its keys not yet destroyed: {}", name, e.getMessage());
        }
        stats.housekeeping("group-deleted");
        return true;
    }

    public synchronized Optional<GroupInfo> group(String name) {
        Group g = groups.get(name);
        return g == null ? Optional.empty() : Optional.of(info(g));
    }

    public synchronized List<GroupInfo> groups() {
        return groups.values().stream().map(GroupKeys::info).toList();
    }

    public byte[] requestGroupKeys(byte[] request) {
        try {
            return keysFor(request);
        } catch (OffloadException e) {
            throw stats.refused(e);
        }
    }

    private synchronized byte[] keysFor(byte[] request) {
        Gate.Admitted rq = gate.admit(request, Wire.AAD_GROUP_REQUEST, "group key request");
        String name = Cbor.text(rq.payload, Wire.RQ_GROUP, "group");
        Group g = group(name, false);
        if (!g.members.contains(rq.thing)) {
            throw new OffloadException(Refusal.UNKNOWN_MEMBER, "'" + rq.thing + "' is not a member of " + name);
        }
        byte[] kek = keys.key(rq.thing, Wire.MECH_GROUP);
        try {
            rq.commit();
            byte[] tag = Wire.groupTag(crypto, name);
            CBORObject entries = CBORObject.NewArray();
            for (Epoch e : g.epochs.values()) {
                Long sender = e.senders.get(rq.thing);
                if (sender == null) {
                    continue;
                }
                byte[] plain = new byte[40];
                System.arraycopy(e.key, 0, plain, 0, 16);
                putLong(plain, 16, e.number);
                System.arraycopy(tag, 0, plain, 24, 8);
                putLong(plain, 32, sender);
                CBORObject entry = CBORObject.NewArray();
                entry.Add(e.number);
                entry.Add(crypto.wrap(kek, plain));
                Arrays.fill(plain, (byte) 0);
                entries.Add(entry);
            }
            CBORObject r = CBORObject.NewMap();
            r.Add(Wire.GR_NONCE, rq.nonce);
            r.Add(Wire.GR_GROUP, name);
            r.Add(Wire.GR_EPOCHS, entries);
            stats.issued("group-keys");
            return r.EncodeToBytes();
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    private Group group(String name, boolean admin) {
        Group g = name == null ? null : groups.get(name);
        if (g == null) {
            throw new OffloadException(Refusal.UNKNOWN_GROUP, "no group named " + (name != null
                    && NAME.matcher(name).matches() ? name : "like that"));
        }
        return g;
    }

    private void rekey(Group g) {
        long number = Math.max(g.before, g.epochs.isEmpty() ? 0 : g.epochs.lastKey()) + 1;
        Epoch e = new Epoch(number, crypto.random(Crypto.KEY), List.copyOf(g.members), clock.instant());
        List<Epoch> kept = new ArrayList<>(g.epochs.values());
        kept.add(e);
        kept = kept.subList(Math.max(0, kept.size() - window), kept.size());
        // Key first, record second: an epoch the record names always has its key. Handed out only after both, so a
        // number whose record a crash cut off was never seen and may be used again.
        try {
            vault.store(g.name, number, e.key);
            state.group(g.name, g.members, number, kept.stream().map(Epoch::record).toList());
        } catch (RuntimeException ex) {
            Arrays.fill(e.key, (byte) 0);
            try {
                vault.delete(g.name, number);
            } catch (RuntimeException again) {
                ex.addSuppressed(again);
            }
            throw ex;
        }
        g.before = number;
        g.epochs.put(number, e);
        dropBeyondWindow(g);
        stats.issued("rekey");
    }

    /** The window shrank (configuration) since the record was written: record the smaller window, then drop keys. */
    private void prune(Group g) {
        List<OffloadState.EpochRecord> kept = g.epochs.values().stream().skip(g.epochs.size() - window)
                .map(Epoch::record).toList();
        state.group(g.name, g.members, g.epochs.lastKey(), kept);
        dropBeyondWindow(g);
    }

    private void dropBeyondWindow(Group g) {
        while (g.epochs.size() > window) {
            Epoch old = g.epochs.pollFirstEntry().getValue();
            Arrays.fill(old.key, (byte) 0);
            try {
                vault.delete(g.name, old.number);
            } catch (RuntimeException ex) {
                // No record names it any more; the next start destroys it.
                LOG.warn("Group {}: key of epoch {} not yet destroyed: {}", g.name, old.number, ex.getMessage());
            }
        }
    }

    /** How many epochs of the group came back from the keystore when the hub started (0 if it re-keyed all). */
    public synchronized int restoredEpochs(String name) {
        Group g = groups.get(name);
        return g == null ? 0 : g.restored;
    }

    private static GroupInfo info(Group g) {
        return new GroupInfo(g.name, g.members, g.epochs.lastKey(), List.copyOf(g.epochs.keySet()),
                g.epochs.lastEntry().getValue().started);
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + 7 - i] = (byte) (v >>> (8 * i));
        }
    }
}
