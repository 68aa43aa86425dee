package org.trusthub.binding.dpws.internal;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Orders each sender's discovery messages by their AppSequence (WS-Discovery 1.1 section 7): a message from an
 * older instance, or one whose number does not exceed the last accepted one of the same sequence, is stale or
 * replayed and must not be acted on. Retransmitted copies are filtered earlier by their MessageID.
 *
 * <p>Two tables, so that nobody can push an authenticated sender's entry out: the sequences of senders whose
 * messages carried a signature bound to them are kept in a table only such messages write to, and are never
 * evicted (their number is bounded by the enrolled things); unsigned senders share a bounded table in which the
 * least recently seen gives way. Once a sender's messages were signed, an unsigned one in its name is refused.
 */
public final class AppSequenceGuard {

    private static final int MAX_UNSIGNED_SENDERS = 4096;
    /** A safety bound only: signed entries need a signature by an enrolled thing (or the hub) bound to the sender. */
    static final int MAX_SIGNED_SENDERS = 65536;

    private record Seen(long instanceId, String sequenceId, long messageNumber) {
    }

    private final Map<String, Seen> signed = new HashMap<>();
    private final Map<String, Seen> unsigned = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > MAX_UNSIGNED_SENDERS;
        }
    };

    /**
     * Records the sequence of a message from a sender (its endpoint address) and returns null when it is in order,
     * or why it is refused; nothing is recorded for a refused message.
     *
     * @param authenticated whether the message carried a valid signature bound to this sender
     */
    public synchronized String accept(String sender, AppSequence s, boolean authenticated) {
        Seen last = signed.get(sender);
        if (last != null && !authenticated) {
            return "unsigned, though this sender's earlier messages were signed";
        }
        if (last == null) {
            last = unsigned.get(sender);
        }
        if (s == null) {
            if (authenticated) {
                return "a signed discovery message without AppSequence (it could be replayed at any time)";
            }
            if (last != null) {
                return "no AppSequence, though this sender's earlier messages carried one";
            }
            return null;
        }
        if (last != null) {
            if (Long.compareUnsigned(s.instanceId(), last.instanceId) < 0) {
                return "InstanceId " + Long.toUnsignedString(s.instanceId()) + " is older than "
                        + Long.toUnsignedString(last.instanceId) + " already seen";
            }
            if (s.instanceId() == last.instanceId && s.sequenceId().equals(last.sequenceId)
                    && Long.compareUnsigned(s.messageNumber(), last.messageNumber) <= 0) {
                return "MessageNumber " + Long.toUnsignedString(s.messageNumber())
                        + " is not after the last accepted " + Long.toUnsignedString(last.messageNumber)
                        + " (replayed or stale)";
            }
        }
        Seen now = new Seen(s.instanceId(), s.sequenceId(), s.messageNumber());
        if (authenticated) {
            if (!signed.containsKey(sender) && signed.size() >= MAX_SIGNED_SENDERS) {
                return "too many signed senders (" + MAX_SIGNED_SENDERS + ") to order another";
            }
            signed.put(sender, now);
            unsigned.remove(sender);
        } else if (!signed.containsKey(sender)) {
            unsigned.put(sender, now);
        }
        return null;
    }

    synchronized int signedSenders() {
        return signed.size();
    }

    public synchronized void forget(String sender) {
        signed.remove(sender);
        unsigned.remove(sender);
    }
}
