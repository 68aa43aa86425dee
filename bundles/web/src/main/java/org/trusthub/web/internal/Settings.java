package org.trusthub.web.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/** The checked configuration: a bad value refuses the whole configuration, naming the setting. */
record Settings(InetAddress address, int port, boolean https, Duration session, int loginFailuresPerMinute,
        int loginFailuresPerMinuteTotal, java.util.Set<String> hostNames) {

    static Settings of(WebConfig c) {
        InetAddress address;
        String a = c.address() == null ? "" : c.address().strip();
        if (a.isEmpty()) {
            throw new IllegalArgumentException("web: address is empty; give an IP address (default 127.0.0.1)");
        }
        try {
            // Only literal addresses: no name lookup decides where the API is reachable.
            if (!a.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
                throw new UnknownHostException(a);
            }
            address = InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("web: address '" + LoginGuard.printable(a)
                    + "' is no IP address (default 127.0.0.1)");
        }
        if (c.port() < 1 || c.port() > 65535) {
            throw new IllegalArgumentException("web: port " + c.port() + " is not 1 to 65535");
        }
        if (c.sessionMinutes() < 1 || c.sessionMinutes() > 1440) {
            throw new IllegalArgumentException("web: sessionMinutes " + c.sessionMinutes() + " is not 1 to 1440");
        }
        if (c.loginFailuresPerMinute() < 1 || c.loginFailuresPerMinute() > 100) {
            throw new IllegalArgumentException("web: loginFailuresPerMinute " + c.loginFailuresPerMinute()
                    + " is not 1 to 100");
        }
        if (c.loginFailuresPerMinuteTotal() < 1 || c.loginFailuresPerMinuteTotal() > 1000) {
            throw new IllegalArgumentException("web: loginFailuresPerMinuteTotal " + c.loginFailuresPerMinuteTotal()
                    + " is not 1 to 1000");
        }
        java.util.Set<String> hostNames = new java.util.LinkedHashSet<>();
        // A .cfg file gives one string: names there are separated by commas.
        String[] given = c.hostNames() == null ? new String[0] : String.join(",", c.hostNames()).split(",");
        for (String h : given) {
            String n = h.strip().toLowerCase(java.util.Locale.ROOT);
            if (n.isEmpty()) {
                continue;
            }
            String label = "[a-z0-9]([a-z0-9-]*[a-z0-9])?";
            if (n.length() > 253 || !n.matches(label + "(\\." + label + ")*")) {
                throw new IllegalArgumentException("web: hostNames entry '" + LoginGuard.printable(h)
                        + "' is no host name (letters, digits, dots, hyphens)");
            }
            hostNames.add(n);
        }
        boolean https = c.https() || !address.isLoopbackAddress();
        return new Settings(address, c.port(), https, Duration.ofMinutes(c.sessionMinutes()),
                c.loginFailuresPerMinute(), c.loginFailuresPerMinuteTotal(), java.util.Set.copyOf(hostNames));
    }
}
