package org.trusthub.offload.internal.coap;

import java.util.Map;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.offload.KeyDistributionService;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.OffloadStatistics;
import org.trusthub.api.offload.TokenService;
import org.trusthub.api.offload.VerificationService;
import org.trusthub.binding.coap.spi.CoapContribution;
import org.trusthub.binding.coap.spi.CoapHandler;
import org.trusthub.offload.internal.hub.OffloadComponent;

/**
 * Contributes {@link OffloadResources} to the CoAP binding (whiteboard): the resources exist while both the offload
 * services and this bundle run, so stopping the offload bundle takes {@code /offload/*} off the hub at once.
 */
@Component(service = CoapContribution.class)
public final class OffloadCoapComponent implements CoapContribution {
    private final OffloadResources resources;

    @Activate
    public OffloadCoapComponent(@Reference TokenService tokens, @Reference VerificationService verifier,
            @Reference KeyDistributionService pairs, @Reference GroupKeyService groups,
            @Reference OffloadStatistics statistics) {
        // The hub's own component counts refusals made here with its own; another implementation is not counted.
        Consumer<OffloadException> counter = e -> { };
        if (statistics instanceof OffloadComponent component) {
            counter = component::countRefusal;
        }
        resources = new OffloadResources(tokens, verifier, pairs, groups, counter);
    }

    @Override
    public String prefix() {
        return resources.prefix();
    }

    @Override
    public Map<String, CoapHandler> resources() {
        return resources.resources();
    }
}
