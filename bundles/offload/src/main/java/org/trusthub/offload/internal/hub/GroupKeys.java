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
import org.trusthub.offload.internal.wire.Cbor;
import org.trusthub.offload.internal.wire.Crypto;
import org.trusthub.offload.internal.wire.Wire;

import com.upokecenter.cbor.CBORObject;

/**
 * Group keys by epoch. Every join and leave starts a new epoch with a fresh random key, so a member that left never
 * gets a key used after it left and a new member never gets one used before it joined. The last {@code window}
 * epochs are kept, so members still holding the previous epoch's key read traffic in flight while they fetch the new
 * one. Each member gets each key wrapped (AES key wrap, RFC 3394) under its own group key-encryption key together with
 * the epoch, the group's tag and its sender id in that epoch, so the wrap authenticates all four.
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
        final Map<ThingId, Long> senders;
        final Instant started;

        Epoch(long number, byte[] key, Map<ThingId, Long> senders, Instant started) {
            this.number = number;
            this.key = key;
            this.senders = senders;
            this.started = started;
        }
    }

    private static final class Group {
        final String name;
        final TreeSet<ThingId> members = new TreeSet<>();
        final TreeMap<Long, Epoch> epochs = new TreeMap<>();
        // The last epoch a previous run of the hub reached (its keys were not kept): numbering continues after it.
        long before;

        Group(String name) {
            this.name = name;
        }
    }

    private final OffloadState state;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GroupKeys.class);

    public GroupKeys(Gate gate, Keys keys, Crypto crypto, Clock clock, Stats stats, int window, OffloadState state) {
        this.gate = gate;
        this.keys = keys;
        this.crypto = crypto;
        this.clock = clock;
        this.stats = stats;
        this.window = window;
        this.state = state;
        restore();
    }

    /**
     * Brings back the recorded groups. Their epoch keys were never stored, so each starts a fresh epoch after the
     * last recorded one; members fetch it as after any re-key. A member that stopped being OPERATIONAL while the hub
     * was down (its event was missed) is dropped.
     */
    private synchronized void restore() {
        for (OffloadState.GroupRecord r : state.groups()) {
            Group g = new Group(r.name());
            g.before = r.lastEpoch();
            for (ThingId m : r.members()) {
                try {
                    keys.operational(m.value(), "member");
                    g.members.add(m);
                } catch (OffloadException e) {
                    LOG.info("Group {}: '{}' dropped at restart ({})", r.name(), m, e.refusal());
                }
            }
            rekey(g);
            groups.put(g.name, g);
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
            rekey(g);
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
                } catch (java.io.UncheckedIOException e) {
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
        long number = g.epochs.isEmpty() ? g.before + 1 : g.epochs.lastKey() + 1;
        // Recorded before the epoch exists, so a restart never hands out an epoch number twice.
        state.group(g.name, g.members, number);
        Map<ThingId, Long> senders = new HashMap<>();
        long s = 0;
        for (ThingId m : g.members) {
            senders.put(m, s++);
        }
        g.epochs.put(number, new Epoch(number, crypto.random(Crypto.KEY), senders, clock.instant()));
        while (g.epochs.size() > window) {
            Arrays.fill(g.epochs.pollFirstEntry().getValue().key, (byte) 0);
        }
        stats.issued("rekey");
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
