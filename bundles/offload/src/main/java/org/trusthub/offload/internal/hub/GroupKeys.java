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

        Group(String name) {
            this.name = name;
        }
    }

    public GroupKeys(Gate gate, Keys keys, Crypto crypto, Clock clock, Stats stats, int window) {
        this.gate = gate;
        this.keys = keys;
        this.crypto = crypto;
        this.clock = clock;
        this.stats = stats;
        this.window = window;
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
            rekey(g);
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
            rekey(g);
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
                rekey(g);
                left.add(g.name);
            }
        }
        return left;
    }

    public synchronized boolean delete(String name) {
        Group g = groups.remove(name);
        if (g == null) {
            return false;
        }
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
        long number = g.epochs.isEmpty() ? 1 : g.epochs.lastKey() + 1;
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
