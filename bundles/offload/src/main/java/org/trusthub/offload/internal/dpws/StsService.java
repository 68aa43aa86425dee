package org.trusthub.offload.internal.dpws;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import javax.xml.namespace.QName;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.TokenService;
import org.trusthub.binding.dpws.spi.HostedRequest;
import org.trusthub.binding.dpws.spi.HostedService;
import org.trusthub.binding.dpws.spi.HostedServiceException;
import org.trusthub.offload.internal.hub.WsTrust;
import org.w3c.dom.Element;

/**
 * The offload token service as a DPWS hosted service (WS-Trust 1.4 Issue): contributed to the DPWS binding's hosted
 * devices through its whiteboard, at {@code /dpws/<device>/offload-sts}. An RST for an SCT (or without TokenType)
 * gets an RSTR with a {@code wsc:SecurityContextToken} (see {@link SctFormat}); an RST for a CWT gets the token
 * service's {@code wsse:BinarySecurityToken} answer unchanged, so that path keeps working.
 *
 * <p>The RST authenticates itself (the COSE_Mac0 in {@code th:AuthenticatedRequest}), so the request needs no
 * WS-Security of its own ({@link #authenticatesItself()}); the token service also checks the requester and the audience are OPERATIONAL, AppliesTo
 * matches the MAC'd audience, and the request is fresh. Activated only when the DPWS binding (trusthub-dpws) looks it up.
 */
@Component(service = HostedService.class)
public final class StsService implements HostedService {

    public static final String NAME = "offload-sts";
    public static final QName TYPE = new QName(WsTrust.TH, "SecurityTokenService");
    private static final Logger LOG = LoggerFactory.getLogger(StsService.class);
    private static final QName INVALID_REQUEST = new QName(WsTrust.WST, "InvalidRequest");
    private static final QName FAILED_AUTHENTICATION = new QName(WsTrust.WST, "FailedAuthentication");
    private static final QName REQUEST_FAILED = new QName(WsTrust.WST, "RequestFailed");
    private static final QName BAD_REQUEST = new QName(WsTrust.WST, "BadRequest");

    private final TokenService tokens;

    // Only the binding (trusthub-dpws) looks this service up; without it the component is never activated.
    @Activate
    public StsService(@Reference TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public QName serviceType() {
        return TYPE;
    }

    @Override
    public Set<String> actions() {
        return Set.of(SctFormat.ISSUE_ACTION);
    }

    // The RST is a COSE_Mac0 by the requester and the RSTR's secrets are sealed: callers need no WS-Security, and a
    // hosted thing's signing policy must not lock out clients that have no certificate (that is why they ask).
    @Override
    public boolean authenticatesItself() {
        return true;
    }

    @Override
    public void wsdl(Element section, String address) {
        StsWsdl.write(section, address);
    }

    @Override
    public HostedResponse invoke(HostedRequest request) throws HostedServiceException {
        try {
            return new HostedResponse(SctFormat.ISSUE_FINAL_ACTION, Optional.of(issue(request.body().orElse(null))));
        } catch (OffloadException e) {
            LOG.info("WS-Trust: refused an Issue on {} ({}): {}", request.hostedThing(), e.refusal(),
                    e.getMessage());
            throw new HostedServiceException(subcode(e), e.getMessage());
        }
    }

    /** RST element in, RSTR collection element out; refusals as {@link OffloadException}. */
    public Element issue(Element rst) {
        SctFormat.Request r = SctFormat.parse(rst);
        String rstr = tokens.requestSecurityToken(WsTrust.rst(r.audience(), r.authenticatedRequest()));
        Element cwt = SctFormat.parseText(rstr);
        if (!r.sct()) {
            return cwt;
        }
        byte[][] tokenAndProof = WsTrust.tokenAndProof(rstr);
        Instant created = Instant.parse(cwt.getElementsByTagNameNS(WsTrust.WSU, "Created").item(0).getTextContent()
                .trim());
        Instant expires = Instant.parse(cwt.getElementsByTagNameNS(WsTrust.WSU, "Expires").item(0).getTextContent()
                .trim());
        return SctFormat.rstr(r.audience(), shortId(tokenAndProof[0]), tokenAndProof[0], tokenAndProof[1], created,
                expires);
    }

    private static String shortId(byte[] token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static QName subcode(OffloadException e) {
        return switch (e.refusal()) {
            case MALFORMED -> BAD_REQUEST;
            case FORGED, EXPIRED, REPLAYED, WRONG_BINDING -> FAILED_AUTHENTICATION;
            case POLICY -> INVALID_REQUEST;
            default -> REQUEST_FAILED;
        };
    }
}
