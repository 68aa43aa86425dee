package org.trusthub.offload.internal.hub;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.pkix.PathCheck;
import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Cose;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.Wire;

import com.upokecenter.cbor.CBORObject;

/**
 * Verification offload: checks a signature and its signer's chain against the keystore's trust anchors for
 * {@link TrustPurpose#FIRMWARE} (code signing) and the configured CRLs, and answers with a verdict MAC'd under the asking thing's verdict key, carrying its nonce and the
 * digest of its request.
 */
public final class Verifier {
    private static final int MAX_CHAIN = 5;

    private final Gate gate;
    private final Keys keys;
    private final Crypto crypto;
    private final Clock clock;
    private final Stats stats;
    private volatile PathCheck check;
    private final Supplier<Collection<X509CRL>> crls;

    public Verifier(Gate gate, Keys keys, Crypto crypto, Clock clock, Stats stats, PathCheck check,
            Supplier<Collection<X509CRL>> crls) {
        this.gate = gate;
        this.keys = keys;
        this.crypto = crypto;
        this.clock = clock;
        this.stats = stats;
        this.check = check;
        this.crls = crls;
    }

    public void policy(PathCheck check) {
        this.check = check;
    }

    public byte[] verify(byte[] request) {
        try {
            return verifyChecked(request);
        } catch (OffloadException e) {
            throw stats.refused(e);
        }
    }

    private byte[] verifyChecked(byte[] request) {
        Gate.Admitted rq = gate.admit(request, Wire.AAD_VERIFY_REQUEST, "verification request");
        String alg = Cbor.text(rq.payload, Wire.RQ_ALG, "algorithm");
        boolean isDigest = rq.payload.ContainsKey(Wire.RQ_DIGEST);
        if (isDigest == rq.payload.ContainsKey(Wire.RQ_DATA)) {
            throw new OffloadException(Refusal.MALFORMED, "a verification request carries either data or a digest");
        }
        byte[] data = Cbor.bytes(rq.payload, isDigest ? Wire.RQ_DIGEST : Wire.RQ_DATA, isDigest ? "digest" : "data");
        byte[] sig = Cbor.bytes(rq.payload, Wire.RQ_SIGNATURE, "signature");
        CBORObject certs = Cbor.array(Cbor.field(rq.payload, Wire.RQ_CHAIN, "chain"), -1, "chain");
        if (certs.size() < 1 || certs.size() > MAX_CHAIN) {
            throw new OffloadException(Refusal.MALFORMED, "chain must hold 1 to " + MAX_CHAIN + " certificates");
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < certs.size(); i++) {
                chain.add((X509Certificate) cf.generateCertificate(
                        new ByteArrayInputStream(Cbor.bytes(certs.get(i), "certificate"))));
            }
        } catch (CertificateException | ClassCastException e) {
            throw new OffloadException(Refusal.MALFORMED, "a certificate of the chain cannot be parsed");
        }
        byte[] kVerdict = keys.key(rq.thing, Wire.MECH_VERDICT);
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            keys.keystore().trustAnchors(TrustPurpose.FIRMWARE).values()
                    .forEach(a -> anchors.add(new TrustAnchor(a, null)));
            Instant now = clock.instant();
            PathCheck.Result r = check.check(alg, data, isDigest, sig, chain, anchors, crls.get(),
                    Date.from(now));
            crypto.countPublicKey(r.publicKeyOperations());
            rq.commit();
            CBORObject v = CBORObject.NewMap();
            v.Add(Wire.V_NONCE, rq.nonce);
            v.Add(Wire.V_DIGEST, crypto.sha256(rq.payloadBytes));
            v.Add(Wire.V_VALID, r.valid());
            v.Add(Wire.V_REASON, r.reason());
            v.Add(Wire.V_SUBJECT, r.subject());
            v.Add(Wire.V_CHECKED, now.getEpochSecond());
            byte[] verdict = Cose.mac0(crypto, kVerdict, Wire.utf8(rq.thing.value()), Wire.AAD_VERDICT,
                    v.EncodeToBytes());
            stats.issued(r.valid() ? "verdict-valid" : "verdict-invalid");
            return verdict;
        } finally {
            Arrays.fill(kVerdict, (byte) 0);
        }
    }
}
