package org.trusthub.binding.coap.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.eclipse.californium.core.CoapServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.coap.spi.CoapContribution;
import org.trusthub.binding.coap.spi.CoapHandler;

/**
 * The resources other bundles contribute, whiteboard style: a contribution is served from the moment it is added until
 * it is removed. The first owner of a prefix keeps it; a later contribution that asks for the same prefix (or one of the
 * binding's own) is refused and stays listed as refused, so the operator sees why its resources are missing. When the
 * owner goes, nothing is promoted: the refused one comes back only when its bundle registers it again.
 */
final class Contributions {
    private static final Logger LOG = LoggerFactory.getLogger(Contributions.class);
    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9_-][a-z0-9._-]{0,31}");
    static final Set<String> RESERVED = Set.of("hub", "things", "rd", "rd-lookup", ".well-known");

    private record Entry(CoapContribution contribution, String prefix, Set<String> resources, String owner,
            ContributedResource resource, String status) {
    }

    private final CoapServer server;
    private final Callers callers;
    private final Map<CoapContribution, Entry> entries = new LinkedHashMap<>();

    Contributions(CoapServer server, Callers callers) {
        this.server = server;
        this.callers = callers;
    }

    /** Adds and serves a contribution, or records why it is refused. @return whether it is served */
    synchronized boolean add(CoapContribution contribution, String owner) {
        String prefix;
        Map<String, CoapHandler> handlers;
        try {
            prefix = contribution.prefix();
            handlers = Map.copyOf(contribution.resources());
        } catch (RuntimeException e) {
            return refuse(contribution, "?", Set.of(), owner, "refused: its prefix or resources failed: " + e);
        }
        Set<String> names = new TreeSet<>(handlers.keySet());
        if (prefix == null || !SEGMENT.matcher(prefix).matches()) {
            return refuse(contribution, String.valueOf(prefix), names, owner,
                    "refused: prefix must be one path segment of 1 to 32 of [a-z0-9._-], not starting with '.'");
        }
        if (RESERVED.contains(prefix)) {
            return refuse(contribution, prefix, names, owner, "refused: /" + prefix + " is the binding's own");
        }
        for (Entry e : entries.values()) {
            if (e.resource() != null && e.prefix().equals(prefix)) {
                return refuse(contribution, prefix, names, owner, "refused: /" + prefix + " is owned by " + e.owner());
            }
        }
        for (String name : names) {
            if (!SEGMENT.matcher(name).matches()) {
                return refuse(contribution, prefix, names, owner, "refused: resource name '" + Refusals.oneLine(name)
                        + "' is not one path segment of [a-z0-9._-]");
            }
        }
        if (names.isEmpty()) {
            return refuse(contribution, prefix, names, owner, "refused: no resources");
        }
        ContributedResource resource = new ContributedResource(prefix, handlers, callers, owner);
        server.add(resource);
        entries.put(contribution, new Entry(contribution, prefix, names, owner, resource, "served"));
        LOG.info("CoAP resources of {} served: /{}/{}", owner, prefix, names);
        return true;
    }

    private boolean refuse(CoapContribution contribution, String prefix, Set<String> names, String owner,
            String status) {
        LOG.error("CoAP resources of {} not served ({}): {}", owner, Refusals.oneLine(prefix), status);
        entries.put(contribution, new Entry(contribution, prefix, names, owner, null, status));
        return false;
    }

    synchronized void remove(CoapContribution contribution) {
        Entry e = entries.remove(contribution);
        if (e != null && e.resource() != null) {
            server.remove(e.resource());
            LOG.info("CoAP resources of {} withdrawn: /{}", e.owner(), e.prefix());
        }
    }

    synchronized void clear() {
        new ArrayList<>(entries.keySet()).forEach(this::remove);
    }

    synchronized List<CoapBindingStatus.ContributionView> views() {
        List<CoapBindingStatus.ContributionView> views = new ArrayList<>();
        entries.values().forEach(e -> views.add(new CoapBindingStatus.ContributionView(e.prefix(), e.resources(), e.owner(), e.status())));
        return views;
    }
}
