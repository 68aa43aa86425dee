package org.trusthub.offload.internal.dpws;

import org.trusthub.offload.wstrust.SctFormat;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import javax.xml.namespace.QName;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.TokenService;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.HostedRequest;
import org.trusthub.binding.dpws.spi.HostedService;
import org.trusthub.binding.dpws.spi.HostedServiceException;
import org.trusthub.offload.wstrust.WsTrust;
import org.w3c.dom.Element;

/**
 * The offload token service as a DPWS hosted service (WS-Trust 1.4 Issue): contributed to the DPWS binding's hosted
 * devices through its whiteboard, at {@code /dpws/<device>/offload-sts}. An RST for an SCT (or without TokenType)
 * gets an RSTR with a {@code wsc:SecurityContextToken} (see {@link SctFormat}); an RST for a CWT gets the token
 * service's {@code wsse:BinarySecurityToken} answer unchanged, so that path keeps working.
 *
 * <p>The RST authenticates itself (the COSE_Mac0 in {@code th:AuthenticatedRequest}), so the request needs no
 * WS-Security of its own ({@link #authenticatesItself()}); the token service also checks the requester and the audience are OPERATIONAL, AppliesTo
 * matches the MAC'd audience, the request is fresh, and a grant allows it (the same check as for CoAP clients); until
 * the MAC verifies every refusal is the same fault. Activated only when the DPWS binding (trusthub-dpws) looks it up.
 *
 * <p>It is offered only on the hosted devices configuration PID {@value #PID} names ({@code stsDevices}); none by
 * default. The endpoint serves callers without WS-Security (the RST authenticates itself), so each device that offers
 * it is one more unauthenticated endpoint on the network: an operator opts in per device, or with {@code *} for all.
 */
@Component(service = HostedService.class, configurationPid = StsService.PID)
@Designate(ocd = StsService.Config.class)
public final class StsService implements HostedService {

    /** Configuration PID. */
    public static final String PID = "org.trusthub.offload.dpws";

    @ObjectClassDefinition(name = "trusthub offload over DPWS",
            description = "WS-Trust for DPWS clients: which hosted DPWS devices offer the offload token service.")
    public @interface Config {
        @AttributeDefinition(name = "Devices offering the token service", description = "Ids of hosted things "
                + "whose DPWS device offers offload-sts (WS-Trust Issue, /dpws/<device>/offload-sts), or '*' for "
                + "every hosted device. Empty (the default): no device offers it. Its requests need no WS-Security, "
                + "so each device listed is one more endpoint open to unauthenticated callers.")
        String[] stsDevices() default {};
    }

    public static final String NAME = "offload-sts";
    public static final QName TYPE = new QName(WsTrust.TH, "SecurityTokenService");
    private static final Logger LOG = LoggerFactory.getLogger(StsService.class);
    // Unauthenticated callers cause refusals: 10 lines a minute per refusal reason.
    private static final LogLimiter REFUSALS = new LogLimiter(Duration.ofMinutes(1), 10);
    private static final QName INVALID_REQUEST = new QName(WsTrust.WST, "InvalidRequest");
    private static final QName FAILED_AUTHENTICATION = new QName(WsTrust.WST, "FailedAuthentication");
    private static final QName REQUEST_FAILED = new QName(WsTrust.WST, "RequestFailed");
    private static final QName BAD_REQUEST = new QName(WsTrust.WST, "BadRequest");

    private final TokenService tokens;
    private volatile Offered offered = new Offered(false, Set.of());

    /** Which hosted devices offer the service: all of them, or these thing ids. */
    record Offered(boolean all, Set<ThingId> things) {
        @Override
        public String toString() {
            return all ? "*" : things.isEmpty() ? "(none)" : String.join(",", things.stream().map(ThingId::value)
                    .sorted().toList());
        }
    }

    /** Offered on no hosted device ({@link #issue} works all the same); for tests and benchmarks. */
    public StsService(TokenService tokens) {
        this(tokens, Set.of());
    }

    /** Offered on the devices of these hosted things ({@code *} for all). */
    public StsService(TokenService tokens, Collection<String> devices) {
        this.tokens = tokens;
        this.offered = parse(devices.toArray(String[]::new));
    }

    // Only the binding (trusthub-dpws) looks this service up; without it the component is never activated.
    @Activate
    public StsService(@Reference TokenService tokens, Config config) {
        this.tokens = tokens;
        modified(config);
    }

    @Modified
    void modified(Config config) {
        offered = parse(config.stsDevices());
        LOG.info("WS-Trust: the token service ({}) is offered on hosted devices: {}", NAME, offered);
    }

    private static Offered parse(String[] devices) {
        Set<ThingId> things = new LinkedHashSet<>();
        boolean all = false;
        for (String d : devices == null ? new String[0] : devices) {
            // Karaf's .cfg lists arrive as one comma-separated string.
            for (String entry : d == null ? new String[0] : d.split(",")) {
                String e = entry.trim();
                if (e.isEmpty()) {
                    continue;
                }
                if ("*".equals(e)) {
                    all = true;
                    continue;
                }
                try {
                    things.add(ThingId.of(e));
                } catch (IllegalArgumentException ex) {
                    LOG.warn("WS-Trust: ignoring an entry of stsDevices: {}", ex.getMessage());
                }
            }
        }
        return new Offered(all, Set.copyOf(things));
    }

    /** Where the service is offered, as the shell and the log show it: {@code *}, {@code (none)} or the ids. */
    public String offeredOn() {
        return offered.toString();
    }

    @Override
    public boolean hostedOn(ThingId hostedThing) {
        Offered o = offered;
        return o.all() || o.things().contains(hostedThing);
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
            REFUSALS.admit(e.refusal().name()).ifPresent(left -> LOG.info(
                    "WS-Trust: refused an Issue on {} ({}): {}{}", request.hostedThing(), e.refusal(), e.getMessage(),
                    left == 0 ? "" : " (" + left + " more such refusals not logged)"));
            throw new HostedServiceException(subcode(e), e.getMessage());
        }
    }

    /** RST element in, RSTR collection element out; refusals as {@link OffloadException}. */
    public Element issue(Element rst) {
        SctFormat.Request r;
        try {
            r = SctFormat.parse(rst);
        } catch (OffloadException e) {
            // Refused here, before the token service (which counts its own): counted with the hub's refusals.
            if (tokens instanceof org.trusthub.offload.internal.hub.OffloadComponent c) {
                c.countRefusal(e);
            } else if (tokens instanceof org.trusthub.offload.internal.hub.OffloadHub h) {
                h.countRefusal(e);
            }
            throw e;
        }
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
