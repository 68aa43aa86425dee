package org.trusthub.binding.dpws.internal.shell;

import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.trusthub.binding.dpws.internal.DpwsBinding;
import org.trusthub.binding.dpws.internal.DpwsStack;
import org.trusthub.binding.dpws.internal.Xml;

/** What the dpws commands share: the running stack, output, and errors as one {@code Error:} line. */
public abstract class DpwsAction implements Action {

    @Reference
    DpwsBinding binding;

    /** Tests set it; Karaf leaves it null and System.out is the session's console. */
    PrintStream out;

    @Override
    public final Object execute() throws Exception {
        DpwsStack stack = binding.stack();
        if (stack == null) {
            throw error("the DPWS binding is not running");
        }
        try {
            run(stack);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw error(e.getMessage());
        } catch (org.trusthub.binding.dpws.spi.SoapSecurityException e) {
            throw error(e.faultCode() + ": " + e.getMessage());
        } catch (org.trusthub.binding.dpws.internal.MalformedMessageException e) {
            throw error("bad answer from the device: " + e.getMessage());
        }
        return null;
    }

    protected abstract void run(DpwsStack stack) throws Exception;

    protected PrintStream out() {
        return out != null ? out : System.out;
    }

    static CommandException error(String message) {
        String line = "Error: " + Xml.printable(String.valueOf(message));
        return new CommandException(line, line);
    }

    /** WS-Security's words for a protection: "signed+encrypted", "signed" or "none". */
    static String label(org.trusthub.api.security.Protection p) {
        return switch (p.level()) {
            case CONFIDENTIALITY -> "signed+encrypted";
            case INTEGRITY -> "signed";
            case NONE -> "none";
        };
    }

    static String orDash(Object o) {
        return o == null ? "-" : Xml.printable(o.toString());
    }
}
