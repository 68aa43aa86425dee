package org.trusthub.lifecycle.internal;

import java.util.Map;

/** Where the registry publishes lifecycle events: EventAdmin in OSGi, a list in tests. */
@FunctionalInterface
public interface LifecycleEventSink {

    /** A sink that drops every event (no EventAdmin). */
    LifecycleEventSink NONE = (topic, properties) -> { };

    /** Publishes one event asynchronously; must not block on subscribers. */
    void publish(String topic, Map<String, Object> properties);
}
