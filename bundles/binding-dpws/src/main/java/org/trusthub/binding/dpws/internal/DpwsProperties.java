package org.trusthub.binding.dpws.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.thing.ThingId;

/**
 * The DPWS binding's things in the hub's thing model ({@link DpwsModel}): read with {@code trusthub:thing-properties}
 * like every other thing. What a device's metadata says is read-only; a discovered device's operation is a writable
 * property whose write calls it.
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

    /** Writing an operation property of a discovered device calls the operation; every other property is read-only. */
    @Override
    public void write(ThingId thing, PropertyDescriptor property, Object value) {
        binding.writeOperation(thing, property, value);
    }

    @Override
    public void refresh(ThingId thing) {
        binding.refresh(thing);
    }
}
