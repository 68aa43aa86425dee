package org.trusthub.api.model;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A binding's side of the model, registered as a whiteboard service (with {@code trusthub.protocol}) by every binding
 * that has things with properties. The model attaches to each provider it finds, giving it a {@link PropertySink};
 * when the provider's service goes away (its bundle stops), its things stay in the model with every value
 * {@link Quality#UNAVAILABLE} until it comes back. Writes come back through {@link PropertyHandler}.
 */
@ConsumerType
public interface PropertyProvider extends PropertyHandler {

    /** The protocol name of the binding ({@code zigbee}, {@code bluetooth}, ...). */
    String binding();

    /** Whether the binding runs on a simulated radio or adapter; every view labels its things so. */
    boolean isSimulated();

    /**
     * The model attaches: describe the things served now and publish what is known. Must not block on the network;
     * reads go on in the background.
     */
    void attach(PropertySink sink);

    /** The model detaches (it stops, or the provider is going away): stop publishing to the sink. */
    void detach(PropertySink sink);
}
