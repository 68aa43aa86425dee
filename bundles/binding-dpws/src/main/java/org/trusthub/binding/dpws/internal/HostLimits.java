package org.trusthub.binding.dpws.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the device host gives to parties it has not authenticated: how many discovery replies one source address
 * gets per minute, and where WS-Eventing may send notifications besides the subscriber's own address.
 *
 * @param discoveryRepliesPerMinute ProbeMatches and ResolveMatches messages one source address gets per minute
 * @param eventSinks hosts (exact names) and address ranges (CIDR, or single addresses) that NotifyTo and EndTo
 *        may name besides the address the Subscribe came from; empty: the subscriber's own address only
 */
public record HostLimits(int discoveryRepliesPerMinute, List<String> eventSinks) {

    public static final int DEFAULT_DISCOVERY_REPLIES_PER_MINUTE = 240;

    public static HostLimits defaults() {
        return new HostLimits(DEFAULT_DISCOVERY_REPLIES_PER_MINUTE, List.of());
    }

    /** Checks every value; a bad entry is an IllegalArgumentException naming it. */
    public HostLimits {
        if (discoveryRepliesPerMinute < 1) {
            throw new IllegalArgumentException("discoveryRepliesPerMinute must be at least 1, not "
                    + discoveryRepliesPerMinute);
        }
        List<String> clean = new ArrayList<>();
        // A .cfg file hands a list over as one comma-separated string; Config Admin as an array. Both are taken.
        for (String s : eventSinks) {
            for (String t : s == null ? new String[0] : s.split(",")) {
                if (!t.isBlank()) {
                    Range.parse(t.trim());
                    clean.add(t.trim());
                }
            }
        }
        eventSinks = List.copyOf(clean);
    }

    /** Whether an address NotifyTo or EndTo names may be posted to by a subscriber at {@code subscriber}. */
    boolean sinkAllowed(URI sink, InetAddress subscriber) {
        String host = sink.getHost();
        if (host == null) {
            return false;
        }
        InetAddress literal = Range.literal(host);
        if (literal != null && Range.same(literal, subscriber) && Range.sameZone(host, subscriber)) {
            return true;
        }
        for (String entry : eventSinks) {
            Range r = Range.parse(entry);
            if (r.name != null ? literal == null && r.name.equals(host.toLowerCase(Locale.ROOT))
                    : literal != null && r.contains(literal)) {
                return true;
            }
        }
        return false;
    }

    /** A host name, or an address with a prefix length. */
    private record Range(String name, byte[] network, int prefix) {

        static Range parse(String entry) {
            String[] parts = entry.split("/", -1);
            if (parts.length > 2) {
                throw bad(entry);
            }
            InetAddress a = literal(parts[0]);
            if (a == null) {
                if (parts.length != 1 || !parts[0].matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")
                        || parts[0].matches("[0-9.]+")) {
                    throw bad(entry);
                }
                return new Range(parts[0].toLowerCase(Locale.ROOT), null, 0);
            }
            byte[] bytes = a.getAddress();
            // An IPv4-mapped IPv6 literal (::ffff:a.b.c.d) is an IPv4 address, and its prefix counts 96 bits more.
            int mapped = a.getAddress().length == 4 && parts[0].contains(":") ? 96 : 0;
            int prefix = bytes.length * 8;
            if (parts.length == 2) {
                try {
                    prefix = Integer.parseInt(parts[1]) - mapped;
                } catch (NumberFormatException e) {
                    throw bad(entry);
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw bad(entry);
                }
            }
            return new Range(null, bytes, prefix);
        }

        private static IllegalArgumentException bad(String entry) {
            return new IllegalArgumentException("eventSinks: '" + Xml.printable(entry)
                    + "' is neither a host name nor an address or CIDR range (e.g. 192.168.1.0/24, fd00::/8)");
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            for (int i = 0; i < prefix; i++) {
                int mask = 0x80 >> (i % 8);
                if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        /** The address an IP literal names (brackets and zone dropped), without any name lookup; else null. */
        static InetAddress literal(String host) {
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            h = h.replaceAll("%.*", "");
            boolean v4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
            boolean v6 = h.contains(":") && h.matches("[0-9A-Fa-f:.]+");
            if (v4) {
                for (String octet : h.split("\\.")) {
                    if (Integer.parseInt(octet) > 255) {
                        return null;
                    }
                }
            } else if (!v6) {
                return null;
            }
            try {
                // In brackets an IPv6 literal is parsed or refused, never looked up as a name.
                return InetAddress.getByName(v6 ? "[" + h + "]" : h);
            } catch (UnknownHostException e) {
                return null;
            }
        }

        /**
         * Whether the zone a link-local sink names (fe80::1%eth0, %25 URI-encoded or not) is the link the subscriber
         * is on: the same address on another link is another host. A sink without a zone names no other link.
         */
        static boolean sameZone(String host, InetAddress subscriber) {
            int i = host.indexOf('%');
            if (i < 0) {
                return true;
            }
            String zone = host.substring(i + 1).replaceAll("]$", "");
            if (!(subscriber instanceof Inet6Address s6) || s6.getScopeId() == 0) {
                return false;
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            names.add(Integer.toString(s6.getScopeId()));
            if (s6.getScopedInterface() != null) {
                names.add(s6.getScopedInterface().getName());
            }
            return names.contains(zone) || zone.startsWith("25") && names.contains(zone.substring(2));
        }

        static boolean same(InetAddress a, InetAddress b) {
            return java.util.Arrays.equals(a.getAddress(), b.getAddress());
        }
    }
}
