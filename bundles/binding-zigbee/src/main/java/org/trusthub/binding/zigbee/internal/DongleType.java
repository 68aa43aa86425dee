package org.trusthub.binding.zigbee.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The dongle families the zsmartsystems drivers support, by the name used in the configuration. */
enum DongleType {
    EMBER, TELEGESIS, CC2531, XBEE, CONBEE;

    static String names() {
        return Arrays.stream(values()).map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }

    /** Refuses blanks and unknown names with the list of known ones, before anything is opened or created. */
    static DongleType parse(String configured) {
        String name = configured == null ? "" : configured.trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("dongleType is required when serialPort is set: one of " + names());
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown dongleType '" + name + "': expected one of " + names());
        }
    }
}
