package org.trusthub.binding.dpws.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Orders each sender's discovery messages by their AppSequence (WS-Discovery 1.1 section 7): a message from an
 * older instance, or one whose number does not exceed the last accepted one of the same sequence, is stale or
 * replayed and must not be acted on. Retransmitted copies are filtered earlier by their MessageID.
 */
public final class AppSequenceGuard {

    private static final int MAX_SENDERS = 4096;

    private record Seen(long instanceId, String sequenceId, long messageNumber) {
    }

    private final Map<String, Seen> seen = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > MAX_SENDERS;
        }
    };

    /**
     * Records the sequence of a message from a sender (its endpoint address) and returns null when it is in order,
     * or why it is refused; nothing is recorded for a refused message.
     */
    public synchronized String accept(String sender, AppSequence s) {
        if (s == null) {
            return null;
        }
        Seen last = seen.get(sender);
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
        seen.put(sender, new Seen(s.instanceId(), s.sequenceId(), s.messageNumber()));
        return null;
    }

    public synchronized void forget(String sender) {
        seen.remove(sender);
    }
}
