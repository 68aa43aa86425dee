package org.trusthub.binding.coap.internal;

import org.trusthub.api.thing.ThingId;

/**
 * An authenticated, operational thing that sent a request, and how it was authenticated.
 *
 * @param thing who
 * @param mode {@code dtls-psk}, {@code dtls-rpk}, {@code dtls-x509} or {@code oscore}
 */
record Caller(ThingId thing, String mode) {
}
