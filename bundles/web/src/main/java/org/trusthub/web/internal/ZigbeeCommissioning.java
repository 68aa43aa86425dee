package org.trusthub.web.internal;

import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;

/**
 * Enrolment with a ZigBee install code goes through the ZigBee bridge (it enrolls the device and keeps the code's link
 * key in the keystore). The bridge is optional: without feature trusthub-zigbee the request is answered 503. This
 * class alone touches the bridge's type, so the rest loads without the ZigBee bundle.
 */
final class ZigbeeCommissioning {

    private final HubServices hub;

    ZigbeeCommissioning(HubServices hub) {
        this.hub = hub;
    }

    ThingId commission(Credentials.ZigbeeCode code, String owner) {
        Object bridge = hub.zigbee;
        if (bridge == null) {
            throw ApiException.unavailable("the ZigBee bridge (feature trusthub-zigbee)");
        }
        try {
            return ((ZigbeeBridge) bridge).commission(code.ieee(), code.installCode(), owner);
        } catch (DuplicateThingException e) {
            throw ApiException.conflict("credential.ieee", e.getMessage());
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            throw ApiException.bad(m.contains("owner") ? "owner" : "credential.installCode", m);
        } catch (NoClassDefFoundError e) {
            // The bridge registered before this bundle was wired to its package: a refresh wires it.
            throw ApiException.unavailable("the ZigBee bridge (feature trusthub-zigbee)");
        }
    }
}
