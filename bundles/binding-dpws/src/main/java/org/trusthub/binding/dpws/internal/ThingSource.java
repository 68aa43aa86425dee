package org.trusthub.binding.dpws.internal;

import java.util.List;
import java.util.Optional;

import org.trusthub.api.thing.ThingId;

/** The hub things the device host presents, and what it can tell about each. */
public interface ThingSource {

    /** The things to present as DPWS devices now. */
    List<ThingId> hosted();

    /** A thing's lifecycle state name, if it is known. */
    Optional<String> state(ThingId thing);
}
