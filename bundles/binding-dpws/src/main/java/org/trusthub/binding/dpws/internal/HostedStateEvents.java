package org.trusthub.binding.dpws.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.thing.ThingId;

/**
 * The event source of hosted devices: a lifecycle event is only the cue that a thing's state may have changed. The
 * binding re-reads the registry's current state ({@link DpwsBinding#stateChanged}) and publishes that, as the
 * WS-Eventing StateChanged notification, in the thing model, and as a Hello or Bye when the thing starts or stops
 * being hosted; the event's own TO_STATE is never trusted, so events that arrive late or out of order publish no
 * stale state. Releasing what a thing that leaves OPERATIONAL holds is not done here but by
 * {@link DpwsBinding#release}, which the lifecycle dispatcher calls.
 */
@Component(service = EventHandler.class, property = EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.LIFECYCLE_ALL)
public final class HostedStateEvents implements EventHandler {

    private final DpwsBinding binding;

    @Activate
    public HostedStateEvents(@Reference DpwsBinding binding) {
        this.binding = binding;
    }

    @Override
    public void handleEvent(Event event) {
        Object id = event.getProperty(TrustHubEvents.THING);
        if (id instanceof String text && ThingId.isValid(text)) {
            binding.stateChanged(ThingId.of(text));
        }
    }
}
