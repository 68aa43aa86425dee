package org.trusthub.lifecycle;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/**
 * The recent lifecycle history of things and what the registry's start reconciled, registered as a service next to
 * the thing registry.
 */
@ProviderType
public interface ThingHistory {

    /** How many entries are kept per thing; older ones are dropped. */
    int MAX_ENTRIES = 32;

    /**
     * The thing's most recent lifecycle steps, oldest first, at most {@link #MAX_ENTRIES}.
     *
     * @throws org.trusthub.api.thing.UnknownThingException if it is not enrolled
     */
    List<HistoryEntry> history(ThingId id);

    /**
     * What the registry's last start did to reconcile it with the keystore, one sentence per thing for the operator
     * (an enrollment a crash cut short, and what became of its keys and secret file); empty when it found nothing
     * to do. Never holds key material.
     */
    List<String> startNotes();
}
