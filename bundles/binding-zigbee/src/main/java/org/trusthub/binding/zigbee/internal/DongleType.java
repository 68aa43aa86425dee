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

    /**
     * Why this dongle's zsmartsystems driver (1.4.16.1) cannot carry a new network key to a running network, or
     * empty if it can. The trust center refuses a rotation it cannot complete, before the keystore changes, rather
     * than leave the keystore and the dongle with different keys. Checked against the drivers themselves
     * (ZigbeeDongleCapabilityTest).
     */
    java.util.Optional<String> keyRotationRefusal() {
        String why = switch (this) {
            case EMBER -> "the Ember driver sets the network key only before the network forms (INVALID_STATE once it"
                    + " is up) and exposes no EZSP broadcastNextNetworkKey/broadcastNetworkKeySwitch";
            case TELEGESIS -> "the Telegesis driver only writes the key register used when a network forms";
            case CC2531 -> "the CC2531 driver only writes Z-Stack's preconfigured key, used when a network forms";
            case XBEE -> "the XBee driver accepts a network key without sending it to the module";
            case CONBEE -> "the ConBee driver does not support setting the network key";
        };
        return java.util.Optional.of("dongle '" + name().toLowerCase(Locale.ROOT) + "' cannot rotate the network key"
                + " of a running network: " + why + ". Re-form the network to change its key");
    }

    /** Whether the driver takes a device's install-code link key (TransportConfigOption.INSTALL_KEY). */
    boolean takesInstallKeys() {
        return this == EMBER;
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
