package org.trusthub.api.model;

import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/**
 * The model's values in their protocol's own bytes, for bindings whose things keep named values at the hub (CoAP's
 * {@code /things/<thing>/<name>}). The model provides this service beside {@link ThingModelRegistry}; a binding
 * reads and writes here, and publishes the values it can type as properties through its {@link PropertySink}.
 *
 * <p>Bounded: at most {@value #MAX_VALUES} values of at most {@value #MAX_BYTES} bytes per thing. A
 * {@linkplain RawValue#held held} value is on disk before {@link #put} returns and survives a restart; other values
 * are kept in memory only (a frequently observed sensor must not wear a gateway's flash). A thing's values are
 * forgotten when it is decommissioned.
 */
@ProviderType
public interface RawValues {

    /** Most values one thing may have. */
    int MAX_VALUES = 32;
    /** Largest value, in bytes. */
    int MAX_BYTES = 1024;

    /** Whether {@code name} is a value name: 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit. */
    static boolean isName(String name) {
        if (name == null || name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!alnum && (i == 0 || c != '.' && c != '_' && c != '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sets a value, stamped with the model's clock, and tells every listener after it is made.
     *
     * @param format the protocol's content format, or {@link RawValue#NO_FORMAT}
     * @param held whether the hub holds it for the thing (then it is on disk when this returns)
     * @return whether the thing had no value of this name before
     * @throws IllegalArgumentException naming what is wrong (the name, the size, too many values), changing nothing
     * @throws IllegalStateException if a held value cannot be stored; nothing changed, the caller may try again
     */
    boolean put(ThingId thing, String name, byte[] bytes, int format, Origin origin, boolean held);

    Optional<RawValue> get(ThingId thing, String name);

    /** The thing's values by name (empty if it has none). */
    SortedMap<String, RawValue> values(ThingId thing);

    /** The things that have values now. */
    Set<ThingId> things();

    void listen(Listener listener);

    void unlisten(Listener listener);

    /** Told of every change after it is made, on the thread that made it; must not block. */
    @ConsumerType
    interface Listener {
        void changed(ThingId thing, String name, RawValue value);

        /** The thing's values are gone (it was decommissioned). */
        void forgotten(ThingId thing);
    }
}
