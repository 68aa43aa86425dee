package org.trusthub.binding.bluetooth.internal.shell;

import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.trusthub.binding.bluetooth.BluetoothBridge;
import org.trusthub.security.link.ble.BleSecurityException;

/** Shared by the ble-* commands: a clear one-line error instead of a stack trace, and the SIMULATED label. */
abstract class BleAction implements Action {

    @Reference
    BluetoothBridge bridge;

    @Reference
    Session session;

    @Override
    public final Object execute() throws Exception {
        try {
            run();
        } catch (BleSecurityException e) {
            err().println("Refused (" + e.reason() + "): " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            err().println("Error: " + e.getMessage());
        }
        return null;
    }

    protected abstract void run() throws Exception;

    String adapterLabel() {
        return bridge.isSimulated() ? "[SIMULATED adapter] " : "";
    }

    PrintStream out() {
        return session.getConsole();
    }

    PrintStream err() {
        return session.getConsole();
    }
}
