package org.trusthub.itests;

import java.nio.file.Path;

import org.trusthub.binding.bluetooth.internal.bluez.DbusMockBluez;

/**
 * BluezIT's BlueZ: binding-bluetooth's own test peer (dbus-daemon and python3-dbusmock with its template, from the
 * binding's test jar), ended with the driver JVM. It runs in the test driver only: the probe in the container has no
 * binding test jar, so BluezIT's own methods name no class of it.
 */
final class BluezPeer {
    private BluezPeer() {
    }

    /** Starts the peer in {@code dir} and returns its bus address. */
    static String start(Path dir) throws Exception {
        DbusMockBluez bluez = DbusMockBluez.start(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                bluez.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        return bluez.busAddress();
    }
}
