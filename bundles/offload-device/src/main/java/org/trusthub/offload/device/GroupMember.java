package org.trusthub.offload.device;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.ReplayWindow;
import org.trusthub.offload.wire.Wire;

import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;

/**
 * A device's group memberships ({@link ConstrainedDevice}'s group part): the epoch keys it unwrapped under its group
 * key, the newest few per group, and the AES-CCM protection of group messages under them with a replay window per
 * sender and epoch. The device checks that a key answer belongs to its own request; this checks the keys.
 *
 * <p>Not thread-safe, as the device.
 */
final class GroupMember {
    private final Crypto crypto;
    private final byte[] kGroup;
    private final int window;
    private final Map<String, GroupState> groups = new HashMap<>();

    GroupMember(Crypto crypto, byte[] kGroup, int window) {
        this.crypto = crypto;
        this.kGroup = kGroup;
        this.window = window;
    }

    /**
     * Unwraps the epoch keys of {@code group} not held yet; keeps nothing unless every one of them unwraps and is
     * bound to this group and its epoch.
     *
     * @return how many epochs were new
     */
    int accept(String group, CBORObject epochs) {
        GroupState g = groups.computeIfAbsent(group, n -> new GroupState(Wire.groupTag(crypto, n)));
        Map<Long, EpochKey> fresh = new TreeMap<>();
        for (int i = 0; i < epochs.size(); i++) {
            CBORObject e = Cbor.array(epochs.get(i), 2, "epoch entry");
            if (e.get(0).getType() != CBORType.Integer || !e.get(0).CanValueFitInInt64()) {
                throw new OffloadException(Refusal.MALFORMED, "epoch must be an integer");
            }
            long epoch = e.get(0).AsInt64Value();
            if (g.epochs.containsKey(epoch)) {
                continue;
            }
            byte[] plain;
            try {
                plain = crypto.unwrap(kGroup, Cbor.bytes(e.get(1), "wrapped key"));
            } catch (InvalidCipherTextException | IllegalArgumentException x) {
                throw new OffloadException(Refusal.FORGED, "group key of epoch " + epoch + " does not unwrap");
            }
            if (plain.length != 40 || readLong(plain, 16) != epoch
                    || !Arrays.equals(Arrays.copyOfRange(plain, 24, 32), g.tag)) {
                throw new OffloadException(Refusal.WRONG_BINDING, "wrapped key is bound to another group or epoch");
            }
            fresh.put(epoch, new EpochKey(Arrays.copyOf(plain, 16), readLong(plain, 32)));
        }
        g.epochs.putAll(fresh);
        while (g.epochs.size() > window) {
            g.epochs.remove(g.epochs.firstKey());
        }
        return fresh.size();
    }

    /** The epochs of a group whose keys the device holds, oldest first. */
    List<Long> epochs(String group) {
        GroupState g = groups.get(group);
        return g == null ? List.of() : List.copyOf(g.epochs.keySet());
    }

    /** Protects a message for the group under the newest epoch key held. */
    byte[] protect(String group, byte[] plaintext) {
        GroupState g = groups.get(group);
        if (g == null || g.epochs.isEmpty()) {
            throw new OffloadException(Refusal.UNKNOWN_GROUP, "no key held for group " + group);
        }
        long epoch = g.epochs.lastKey();
        EpochKey k = g.epochs.get(epoch);
        long s = k.nextSeq++;
        byte[] ct = crypto.ccmSeal(k.key, groupNonce(k.sender, s), groupAad(g.tag, epoch, k.sender), plaintext);
        return Cbor.encodeArray(epoch, k.sender, s, ct);
    }

    /** Opens a group message under the key of its epoch, if held, refusing a replay of the sender's number. */
    byte[] unprotect(String group, byte[] message) {
        GroupState g = groups.get(group);
        if (g == null) {
            throw new OffloadException(Refusal.UNKNOWN_GROUP, "no key held for group " + group);
        }
        CBORObject a = Cbor.array(Cbor.decode(message, "group message"), 4, "group message");
        for (int i = 0; i < 3; i++) {
            if (a.get(i).getType() != CBORType.Integer || !a.get(i).CanValueFitInInt64()
                    || a.get(i).AsInt64Value() < 0) {
                throw new OffloadException(Refusal.MALFORMED, "group message header must be unsigned integers");
            }
        }
        long epoch = a.get(0).AsInt64Value();
        long sender = a.get(1).AsInt64Value();
        long s = a.get(2).AsInt64Value();
        EpochKey k = g.epochs.get(epoch);
        if (k == null) {
            throw new OffloadException(Refusal.WRONG_BINDING, "no key held for epoch " + epoch + " of " + group);
        }
        ReplayWindow w = k.windows.computeIfAbsent(sender, x -> new ReplayWindow());
        if (!w.fresh(s)) {
            throw new OffloadException(Refusal.REPLAYED, "group message " + sender + "/" + s + " replayed");
        }
        byte[] pt;
        try {
            pt = crypto.ccmOpen(k.key, groupNonce(sender, s), groupAad(g.tag, epoch, sender),
                    Cbor.bytes(a.get(3), "ciphertext"));
        } catch (InvalidCipherTextException e) {
            throw new OffloadException(Refusal.FORGED, "group message does not verify under the epoch key");
        }
        w.accept(s);
        return pt;
    }

    private static byte[] groupNonce(long sender, long s) {
        byte[] n = new byte[Crypto.CCM_NONCE];
        for (int i = 0; i < 5; i++) {
            n[4 - i] = (byte) (sender >>> (8 * i));
        }
        for (int i = 0; i < 8; i++) {
            n[12 - i] = (byte) (s >>> (8 * i));
        }
        return n;
    }

    private static byte[] groupAad(byte[] tag, long epoch, long sender) {
        return Cbor.encodeArray("trusthub group", tag, epoch, sender);
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static final class GroupState {
        final byte[] tag;
        final TreeMap<Long, EpochKey> epochs = new TreeMap<>();

        GroupState(byte[] tag) {
            this.tag = tag;
        }
    }

    private static final class EpochKey {
        final byte[] key;
        final long sender;
        long nextSeq;
        final Map<Long, ReplayWindow> windows = new HashMap<>();

        EpochKey(byte[] key, long sender) {
            this.key = key;
            this.sender = sender;
        }
    }
}
