package org.trusthub.api.thing;

/** A thing is not enrolled on this hub. */
public class UnknownThingException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient ThingId thing;

    public UnknownThingException(ThingId thing) {
        super("unknown thing '" + thing + "': it is not enrolled on this hub");
        this.thing = thing;
    }

    public ThingId thing() {
        return thing;
    }
}
