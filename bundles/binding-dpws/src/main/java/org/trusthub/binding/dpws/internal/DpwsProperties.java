package org.trusthub.binding.dpws.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.thing.ThingId;

/**
 * The DPWS binding's things in the hub's thing model ({@link DpwsModel}): read with {@code trusthub:thing-properties}
 * like every other thing. Every property is read-only: what a device's metadata says is the device's to change.
 */
@Component(service = PropertyProvider.class, property = ProtocolBinding.PROTOCOL + "=dpws")
public final class DpwsProperties implements PropertyProvider {

    private final DpwsBinding binding;

    @Activate
    public DpwsProperties(@Reference DpwsBinding binding) {
        this.binding = binding;
    }

    @Override
    public String binding() {
        return "dpws";
    }

    @Override
    public boolean isSimulated() {
        return false;
    }

    @Override
    public void attach(PropertySink sink) {
        binding.model(new DpwsModel(sink));
    }

    @Override
    public void detach(PropertySink sink) {
        binding.model(null);
    }

    @Override
    public void write(ThingId thing, PropertyDescriptor property, Object value) {
        throw new PropertyWriteException(thing, property.id(), "DPWS property '" + property.id() + "' of " + thing
                + " is read-only");
    }

    @Override
    public void refresh(ThingId thing) {
        binding.publishModel();
    }
}
