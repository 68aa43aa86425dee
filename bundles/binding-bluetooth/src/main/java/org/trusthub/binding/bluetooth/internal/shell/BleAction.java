package org.trusthub.binding.bluetooth.internal.shell;

import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.binding.bluetooth.internal.BluetoothBridge;
import org.trusthub.security.link.ble.BleSecurityException;

/**
 * Shared by the ble-* commands, following the trusthub shell's convention: a refusal is one line starting with
 * {@code Error:} (a {@link CommandException}, so ssh exits with 1), output names a SIMULATED adapter as such, and
 * nothing printed ever carries key bytes (refusal messages never do).
 */
abstract class BleAction implements Action {

    @Reference
    BluetoothBridge bridge;

    /** Where output goes; tests set it, Karaf leaves it null and System.out is the session's console. */
    PrintStream out;

    @Override
    public final Object execute() throws Exception {
        try {
            run();
            return null;
        } catch (BleSecurityException e) {
            throw error("refused (" + e.reason() + "): " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException | KeystoreException e) {
            throw error(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    protected abstract void run() throws Exception;

    String adapterLabel() {
        return bridge.isSimulated() ? "[SIMULATED adapter] " : "";
    }

    PrintStream out() {
        return out != null ? out : System.out;
    }

    static CommandException error(String message) {
        String line = "Error: " + message.replaceAll("\\p{Cntrl}", " ").strip();
        return new CommandException(line, line);
    }
}
