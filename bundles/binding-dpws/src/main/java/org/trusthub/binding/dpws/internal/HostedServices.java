package org.trusthub.binding.dpws.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.HostedService;

/**
 * The hosted services other bundles contribute (whiteboard), by name. Kept by the component, not by the stack, so
 * a contribution that arrives before the stack starts or survives a reconfiguration is not lost.
 */
public final class HostedServices {

    private static final Logger LOG = LoggerFactory.getLogger(HostedServices.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");
    /** The binding's own service path segment. */
    static final String OWN = "thing";

    private final Map<String, HostedService> byName = new ConcurrentHashMap<>();

    /** Adds a contribution; false (and logged) when its name is invalid or taken. */
    public boolean add(HostedService service) {
        String name;
        try {
            name = service.name();
            if (name == null || !NAME.matcher(name).matches() || OWN.equals(name) || service.actions() == null
                    || service.actions().isEmpty() || service.serviceType() == null) {
                LOG.warn("DPWS: ignoring hosted service {}: its name must be 1 to 32 of [a-z0-9-], not '{}', and it "
                        + "needs a service type and at least one action", service.getClass().getName(), OWN);
                return false;
            }
        } catch (RuntimeException e) {
            LOG.warn("DPWS: ignoring hosted service {}: {}", service.getClass().getName(), e.toString());
            return false;
        }
        HostedService before = byName.putIfAbsent(name, service);
        if (before != null && before != service) {
            LOG.warn("DPWS: ignoring a second hosted service named '{}'", name);
            return false;
        }
        LOG.info("DPWS: hosted service '{}' ({}) contributed", name, service.serviceType());
        return true;
    }

    /** Removes a contribution (only the instance that holds its name). */
    public void remove(HostedService service) {
        try {
            if (byName.remove(service.name(), service)) {
                LOG.info("DPWS: hosted service '{}' withdrawn", service.name());
            }
        } catch (RuntimeException e) {
            byName.values().removeIf(s -> s == service);
        }
    }

    /** The contributions offered on a hosted thing's device, by name order. */
    public List<HostedService> on(ThingId thing) {
        return byName.values().stream().filter(s -> offered(s, thing))
                .sorted(java.util.Comparator.comparing(HostedService::name)).toList();
    }

    /** The contribution with this path segment, if it is offered on the thing's device. */
    public Optional<HostedService> find(String name, ThingId thing) {
        HostedService s = byName.get(name);
        return s != null && offered(s, thing) ? Optional.of(s) : Optional.empty();
    }

    private static boolean offered(HostedService s, ThingId thing) {
        try {
            return s.hostedOn(thing);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
