package org.trusthub.binding.dpws.internal;

import java.util.Optional;

import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.w3c.dom.Document;

/** A stand-in provider that secures and checks nothing; tests override what they play. */
public abstract class SoapSecurityStub implements SoapSecurity {

    @Override
    public Protection effective(ThingId thing, Protection required) {
        return required;
    }

    @Override
    public Protection secure(Document envelope, ThingId thing, Protection required) throws SoapSecurityException {
        return Protection.NONE;
    }

    @Override
    public Optional<Authenticated> verify(Document envelope, ThingId thing, Protection required)
            throws SoapSecurityException {
        return Optional.empty();
    }

    @Override
    public Optional<Authenticated> verifyRequest(Document envelope, ThingId hosted, Protection required)
            throws SoapSecurityException {
        return Optional.empty();
    }

    @Override
    public void signDiscovery(Document envelope) throws SoapSecurityException {
    }

    @Override
    public Optional<String> verifyDiscovery(Document envelope) throws SoapSecurityException {
        return Optional.empty();
    }
}
