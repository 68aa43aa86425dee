package org.trusthub.offload.internal.dpws;

import org.trusthub.offload.wstrust.SctFormat;

import java.time.Instant;
import java.util.Arrays;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.wire.OpCounter;
import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Cose;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.Wire;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.sct.SecurityContext;
import org.trusthub.security.wss.sct.SecurityContextResolver;

import com.upokecenter.cbor.CBORObject;

/**
 * Opens offload security context tokens for a hosted thing exactly as the thing itself would, offline: the token in
 * the SCT identifier is decrypted under the receiver's K_T (from the keystore), its issuer and audience compared,
 * and the proof key derived from the OSCORE input material it confirms. No issued-token table is consulted, so this
 * works with the token service stopped. Registered for security-wss's SCT mode (trusthub-wss).
 */
@Component(service = SecurityContextResolver.class)
public final class AudienceContexts implements SecurityContextResolver {

    private final ThingKeyStore keystore;
    private final Crypto crypto = new Crypto(new OpCounter(), new java.security.SecureRandom());

    // Only the WS-Security provider (trusthub-wss) looks this service up; without it it is never activated.
    @Activate
    public AudienceContexts(@Reference ThingKeyStore keystore) {
        this.keystore = keystore;
    }

    @Override
    public SecurityContext resolve(String identifier, ThingId receiver) throws WsSecurityException {
        // Derived without recording its use: the key counts as used only once it opened the token, so a forged
        // token writes nothing to the keystore.
        DerivedKey k;
        try {
            k = keystore.deriveKeyUnrecorded(receiver, Layer.APPLICATION, Wire.MECH_TOKEN, Crypto.KEY);
        } catch (KeystoreException | IllegalArgumentException e) {
            throw new WsSecurityException(Fault.SECURITY_TOKEN_UNAVAILABLE, receiver + " has no token key");
        }
        byte[] kToken = k.bytes();
        byte[] ms = null;
        byte[] proof = null;
        try {
            byte[] token = SctFormat.token(identifier);
            Cose.Parsed p = Cose.parseEncrypt0(token, "security context token");
            if (!Arrays.equals(p.kid(), Wire.utf8(receiver.value()))) {
                throw new WsSecurityException(Fault.FAILED_AUTHENTICATION,
                        "the security context token is sealed for another thing than " + receiver);
            }
            byte[] opened = Cose.decrypt0(crypto, kToken, p, Wire.AAD_TOKEN, "security context token");
            try {
                keystore.recordUse(k);
            } catch (KeystoreException e) {
                throw new WsSecurityException(Fault.SECURITY_TOKEN_UNAVAILABLE, receiver + " has no token key");
            }
            CBORObject claims = Cbor.map(Cbor.decode(opened, "claims"), "claims");
            if (!Wire.ISSUER.equals(Cbor.text(claims, Wire.CWT_ISS, "iss"))) {
                throw new WsSecurityException(Fault.FAILED_AUTHENTICATION,
                        "the security context token is from another issuer");
            }
            ThingId audience = ThingId.of(Cbor.text(claims, Wire.CWT_AUD, "aud"));
            ThingId subject = ThingId.of(Cbor.text(claims, Wire.CWT_SUB, "sub"));
            Instant exp = Instant.ofEpochSecond(Cbor.uint(claims, Wire.CWT_EXP, "exp"));
            CBORObject osc = Cbor.map(Cbor.field(Cbor.map(Cbor.field(claims, Wire.CWT_CNF, "cnf"), "cnf"),
                    Wire.CNF_OSC, "osc"), "osc");
            ms = Cbor.bytes(osc, Wire.OSC_MS, "ms");
            proof = SctFormat.proofKey(crypto, ms, Cbor.bytes(osc, Wire.OSC_SALT, "salt"));
            return new SecurityContext(identifier, subject, audience, exp, proof);
        } catch (OffloadException e) {
            // FORGED (the AEAD tag) and MALFORMED read alike to the sender: the token cannot be used here.
            throw new WsSecurityException(Fault.INVALID_SECURITY_TOKEN,
                    "the security context token cannot be opened by " + receiver + ": " + e.getMessage());
        } finally {
            Arrays.fill(kToken, (byte) 0);
            k.destroy();
            if (ms != null) {
                Arrays.fill(ms, (byte) 0);
            }
            if (proof != null) {
                Arrays.fill(proof, (byte) 0);
            }
        }
    }
}
