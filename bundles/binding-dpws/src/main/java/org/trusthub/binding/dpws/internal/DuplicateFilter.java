package org.trusthub.binding.dpws.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** SOAP-over-UDP sends each message more than once; a receiver acts on the first copy of each MessageID only. */
public final class DuplicateFilter {

    private final int capacity;
    private final Map<String, Boolean> recent;

    public DuplicateFilter(int capacity) {
        this.capacity = capacity;
        this.recent = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > DuplicateFilter.this.capacity;
            }
        };
    }

    /** True the first time a MessageID is seen. */
    public synchronized boolean firstTime(String messageId) {
        return recent.putIfAbsent(messageId, Boolean.TRUE) == null;
    }
}
