package org.trusthub.shell.internal;

import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.trusthub.api.keystore.TrustPurpose;

/** Completes trust anchor purposes. */
@Service
public class TrustPurposeCompleter implements Completer {

    private static final List<String> NAMES = Arrays.stream(TrustPurpose.values()).map(TrustPurpose::id).toList();

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(NAMES, true).complete(session, commandLine, candidates);
    }
}
