package org.trusthub.api.thing;

/** A thing is enrolled a second time under an id the hub already has. */
public class DuplicateThingException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient ThingId thing;

    public DuplicateThingException(ThingId thing, String detail) {
        super("thing '" + thing + "' is already enrolled" + (detail == null ? "" : " (" + detail + ")"));
        this.thing = thing;
    }

    public ThingId thing() {
        return thing;
    }
}
