package org.trusthub.lifecycle;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the registry's last start reconciled, registered as a service next to the thing registry. A thing's
 * lifecycle journal is the registry's own: {@link org.trusthub.api.thing.ThingRegistry#journal}.
 */
@ProviderType
public interface ThingHistory {

    /**
     * What the registry's last start did to reconcile it with the keystore, one sentence per thing for the operator
     * (an enrollment a crash cut short, and what became of its keys and secret file); empty when it found nothing
     * to do. Never holds key material.
     */
    List<String> startNotes();
}
