package org.trusthub.security.transport.dtls.internal;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertLevel;
import org.eclipse.californium.scandium.dtls.CertificateMessage;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.CertificateVerificationResult;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.x509.NewAdvancedCertificateVerifier;
import org.eclipse.californium.scandium.util.ServerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.AnchoredCertificates;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;

/**
 * Verifies a peer's raw public key or certificate chain. A raw public key must be the key of an operational thing's
 * root certificate. A chain must validate (PKIX, current time) up to one of the keystore's trust anchors for
 * {@link TrustPurpose#DTLS}, pass {@link AnchoredCertificates#checkChain} (CA constraints of the issuers; the end
 * certificate's digitalSignature and clientAuth, or serverAuth when the peer is a server), and its end certificate's
 * key must be an operational thing's enrolled key: a subject name never names a thing. Anything else ends the
 * handshake with a specific alert.
 */
final class ThingCertificateVerifier implements NewAdvancedCertificateVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(ThingCertificateVerifier.class);
    /** A refusal is what any peer can cause: one line per alert a window, for every connector. */
    private static final LogLimiter REFUSALS = new LogLimiter(DtlsComponent.LOG_WINDOW, 1);

    private final ThingKeyStore keys;
    private final PeerThings peers;
    private final ThingGate gate;
    private final List<CertificateType> types;
    private final DtlsRefusals refusals;

    ThingCertificateVerifier(ThingKeyStore keys, PeerThings peers, ThingGate gate, boolean rawPublicKey,
            boolean x509, DtlsRefusals refusals) {
        this.refusals = refusals;
        this.keys = keys;
        this.peers = peers;
        this.gate = gate;
        List<CertificateType> t = new ArrayList<>();
        if (rawPublicKey) {
            t.add(CertificateType.RAW_PUBLIC_KEY);
        }
        if (x509) {
            t.add(CertificateType.X_509);
        }
        this.types = List.copyOf(t);
    }

    @Override
    public List<CertificateType> getSupportedCertificateTypes() {
        return types;
    }

    @Override
    public CertificateVerificationResult verifyCertificate(ConnectionId cid, ServerNames serverName,
            InetSocketAddress remotePeer, boolean clientUsage, boolean verifySubject, boolean truncateCertificatePath,
            CertificateMessage message) {
        try {
            CertPath chain = message.getCertificateChain();
            if (chain == null) {
                PublicKey key = message.getPublicKey();
                if (key == null || !types.contains(CertificateType.RAW_PUBLIC_KEY)) {
                    throw refuse(remotePeer, "no usable raw public key", AlertDescription.UNSUPPORTED_CERTIFICATE,
                            "dtls-rpk", RefusalReason.MALFORMED, Optional.empty());
                }
                admit(remotePeer, key, "raw public key", "dtls-rpk");
                return new CertificateVerificationResult(cid, key, null);
            }
            if (!types.contains(CertificateType.X_509)) {
                throw refuse(remotePeer, "X.509 is off", AlertDescription.UNSUPPORTED_CERTIFICATE, "dtls-x509",
                        RefusalReason.MALFORMED, Optional.empty());
            }
            if (chain.getCertificates().isEmpty()) {
                throw refuse(remotePeer, "empty certificate chain", AlertDescription.BAD_CERTIFICATE, "dtls-x509",
                        RefusalReason.MALFORMED, Optional.empty());
            }
            validate(remotePeer, chain, clientUsage);
            X509Certificate leaf = (X509Certificate) chain.getCertificates().get(0);
            admit(remotePeer, leaf.getPublicKey(), "certificate", "dtls-x509");
            return new CertificateVerificationResult(cid, chain, null);
        } catch (HandshakeException e) {
            return new CertificateVerificationResult(cid, e, null);
        }
    }

    private void admit(InetSocketAddress peer, PublicKey key, String what, String mechanism)
            throws HandshakeException {
        Optional<ThingId> thing = peers.ofPublicKey(key);
        if (thing.isEmpty()) {
            throw refuse(peer, what + " belongs to no enrolled thing", AlertDescription.ACCESS_DENIED, mechanism,
                    RefusalReason.UNKNOWN_KEY, Optional.empty());
        }
        if (!gate.isOperational(thing.get())) {
            throw refuse(peer, what + " of thing " + thing.get() + ", which is not operational",
                    AlertDescription.ACCESS_DENIED, mechanism, RefusalReason.NOT_OPERATIONAL, thing);
        }
    }

    private void validate(InetSocketAddress peer, CertPath chain, boolean clientUsage) throws HandshakeException {
        Collection<X509Certificate> anchors = keys.trustAnchors(TrustPurpose.DTLS).values();
        if (anchors.isEmpty()) {
            throw refuse(peer, "certificate offered but the keystore holds no trust anchor for dtls",
                    AlertDescription.UNKNOWN_CA, "dtls-x509", RefusalReason.UNKNOWN_KEY, Optional.empty());
        }
        Set<TrustAnchor> trust = new HashSet<>();
        for (X509Certificate anchor : anchors) {
            trust.add(new TrustAnchor(anchor, null));
        }
        try {
            // A peer may send the anchor itself at the end of its chain; PKIX wants the path without it.
            List<X509Certificate> path = new ArrayList<>();
            for (var c : chain.getCertificates()) {
                if (!anchors.contains(c)) {
                    path.add((X509Certificate) c);
                }
            }
            if (path.isEmpty()) {
                throw refuse(peer, "the chain holds only trust anchors, no thing certificate",
                        AlertDescription.BAD_CERTIFICATE, "dtls-x509", RefusalReason.MALFORMED, Optional.empty());
            }
            CertPath toValidate = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(trust);
            // Things' certificates carry no revocation pointers; revocation is the keystore's (decommissioning).
            parameters.setRevocationEnabled(false);
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(toValidate, parameters);
            try {
                AnchoredCertificates.checkChain(path, result.getTrustAnchor().getTrustedCert(),
                        clientUsage ? AnchoredCertificates.CLIENT_AUTH : AnchoredCertificates.SERVER_AUTH);
            } catch (CertificateException e) {
                throw refuse(peer, e.getMessage(), AlertDescription.UNSUPPORTED_CERTIFICATE, "dtls-x509",
                        RefusalReason.MALFORMED, Optional.empty());
            }
        } catch (CertPathValidatorException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CertificateExpiredException || cause instanceof CertificateNotYetValidException
                    || e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                throw refuse(peer, "certificate expired or not yet valid", AlertDescription.CERTIFICATE_EXPIRED,
                        "dtls-x509", RefusalReason.STALE_KEY, Optional.empty());
            }
            throw refuse(peer, "certificate does not chain to a trust anchor (" + e.getReason() + ")",
                    AlertDescription.UNKNOWN_CA, "dtls-x509", RefusalReason.FORGED, Optional.empty());
        } catch (GeneralSecurityException e) {
            throw refuse(peer, "certificate chain unusable: " + e.getClass().getSimpleName(),
                    AlertDescription.BAD_CERTIFICATE, "dtls-x509", RefusalReason.MALFORMED, Optional.empty());
        }
    }

    /** Logs (rate-limited) and counts a refusal under the common {@code reason}, and makes the alert. */
    private HandshakeException refuse(InetSocketAddress peer, String why, AlertDescription alert, String mechanism,
            RefusalReason reason, Optional<ThingId> thing) {
        refusals.refused(thing, mechanism, reason);
        REFUSALS.admit(alert.name()).ifPresent(left -> LOG.warn(
                "DTLS handshake from {} refused: {} (alert {}); {} like it not logged before", peer, why, alert, left));
        return new HandshakeException(why, new AlertMessage(AlertLevel.FATAL, alert));
    }

    @Override
    public List<X500Principal> getAcceptedIssuers() {
        List<X500Principal> issuers = new ArrayList<>();
        for (X509Certificate anchor : keys.trustAnchors(TrustPurpose.DTLS).values()) {
            issuers.add(anchor.getSubjectX500Principal());
        }
        return issuers;
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // Answers are synchronous.
    }
}
