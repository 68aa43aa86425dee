package org.trusthub.binding.dpws.internal;

import org.trusthub.api.thing.ThingId;

/**
 * A message-security provider that can write a thing's whole policy (UsernameToken and timestamp validity too, which
 * {@link org.trusthub.binding.dpws.spi.SoapProtection} does not carry) in the words its configuration uses.
 */
public interface PolicyWords {

    String policyWords(ThingId thing);
}
