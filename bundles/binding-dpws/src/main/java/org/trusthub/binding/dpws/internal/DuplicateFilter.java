package org.trusthub.binding.dpws.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SOAP-over-UDP sends each message more than once; a receiver acts on the first copy of each MessageID only.
 * MessageIDs of messages that carried a valid signature are kept apart from the others, so a flood of unsigned
 * messages with fresh MessageIDs cannot push them out and let a captured signed copy be acted on again.
 */
public final class DuplicateFilter {

    private final Map<String, Boolean> authenticated;
    private final Map<String, Boolean> other;

    public DuplicateFilter(int capacity) {
        this.authenticated = bounded(capacity);
        this.other = bounded(capacity);
    }

    private static Map<String, Boolean> bounded(int capacity) {
        return new LinkedHashMap<>(capacity * 2, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Whether a copy of this MessageID was already acted on; records nothing. */
    public synchronized boolean seen(String messageId) {
        return authenticated.containsKey(messageId) || other.containsKey(messageId);
    }

    /** True the first time a MessageID is seen; records it in the table of its kind. */
    public synchronized boolean firstTime(String messageId, boolean signed) {
        if (seen(messageId)) {
            return false;
        }
        (signed ? authenticated : other).put(messageId, Boolean.TRUE);
        return true;
    }

    /** True the first time a MessageID is seen, for messages without a signature. */
    public boolean firstTime(String messageId) {
        return firstTime(messageId, false);
    }
}
