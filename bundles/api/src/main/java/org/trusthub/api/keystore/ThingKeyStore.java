package org.trusthub.api.keystore;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The hub's one keystore, shared by every layer and protocol.
 *
 * <p>A thing is enrolled with one {@link RootCredential}. Each layer's keys are derived from it with HKDF-SHA256
 * (RFC 5869) under a label binding the thing, the layer, the mechanism, the layer's key generation and the key
 * length, so two layers, two mechanisms or two generations never share a key. Counters that feed nonces never
 * repeat a value, even across crashes; incoming counters have replay marks that survive a restart. Every change is
 * durable when the call returns; the store is encrypted at rest.
 *
 * <p>Derivation profile (so a thing holding its root secret derives the same keys):
 * {@code PRK = HKDF-Extract(salt = "trusthub/v1 root", IKM = root secret)},
 * {@code key = HKDF-Expand(PRK, info, L)} with {@code info} the concatenation of the UTF-8 strings
 * {@code "trusthub/v1"}, thing id, layer name, mechanism, each preceded by its length as one byte, then the
 * generation and {@code L} as 4-byte big-endian integers. For a certificate root the IKM is the static ECDH (P-256)
 * shared secret between the hub identity's key and the certificate's key, fixed at enrollment.
 *
 * <p>Keys shared by a group of things (a ZigBee network key, a multicast group key) are kept under a thing id of
 * the group's own, enrolled with a fresh random root secret; each rotation of the layer starts a new group key
 * generation, and the caller keeps the previous generation's key for as long as the switch-over needs it.
 *
 * <p>Which service to depend on: the keystore is registered under this interface and under each of the five it
 * extends, one concern each, all served by the same component. New code depends on the narrowest one it needs:
 * {@link ThingKeys} to enroll things and derive, rotate or revoke their keys; {@link KeyCounters} for outgoing
 * nonce counters and incoming replay marks; {@link StoredKeys} for keys that are not derived (pairing, install
 * codes); {@link TrustAnchorStore} for the certification authorities the hub trusts; {@link HubIdentityStore} for
 * the hub's own key pair and certificate. This interface, all of them at once, is for code that needs most of them
 * (the keystore shell) and for existing consumers.
 */
@ProviderType
public interface ThingKeyStore extends ThingKeys, KeyCounters, StoredKeys, TrustAnchorStore, HubIdentityStore {
}
