package org.trusthub.offload.internal.coap;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.offload.KeyDistributionService;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.offload.TokenService;
import org.trusthub.api.offload.VerificationService;
import org.trusthub.binding.coap.spi.CoapCall;
import org.trusthub.binding.coap.spi.CoapContribution;
import org.trusthub.binding.coap.spi.CoapHandler;
import org.trusthub.binding.coap.spi.CoapReply;
import org.trusthub.binding.coap.spi.CoapReply.Status;
import org.trusthub.offload.wire.Cose;

/**
 * The offload services as CoAP resources under {@code /offload}: {@code token} (ACE, RFC 9200 token endpoint with the
 * OSCORE profile), {@code verify}, {@code pair} and {@code group}. Each takes the thing's COSE_Mac0 request as the
 * body of a POST ({@code application/cbor}, {@code application/ace+cbor} or no Content-Format) and answers with the
 * service's CBOR answer; refusals are CoAP errors with the refusal as a short diagnostic text, counted with the hub's
 * other refusals.
 *
 * <p>The request's MAC already authenticates the thing end to end; the binding has also authenticated the sender
 * (DTLS or OSCORE), so a request whose {@code kid} names another thing than the one on the secured channel is refused
 * (WRONG_BINDING): one thing cannot relay, or replay, another's requests through its own channel.
 */
public final class OffloadResources implements CoapContribution {
    private static final Logger LOG = LoggerFactory.getLogger(OffloadResources.class);
    // Any thing that reaches the resources can cause refusals: 10 lines a minute per CoAP status.
    private static final LogLimiter REFUSALS = new LogLimiter(Duration.ofMinutes(1), 10);
    public static final String PREFIX = "offload";
    /** CoAP Content-Format {@code application/ace+cbor} (RFC 9200). */
    public static final int ACE_CBOR = 19;
    private static final int MAX_DIAGNOSTIC = 120;

    private final Map<String, CoapHandler> resources;
    private final Consumer<OffloadException> refusals;

    /**
     * @param refusals counts the refusals made here (the services count their own)
     */
    public OffloadResources(TokenService tokens, VerificationService verifier, KeyDistributionService pairs,
            GroupKeyService groups, Consumer<OffloadException> refusals) {
        this.refusals = refusals;
        this.resources = Map.of(
                "token", handler("token request", tokens::requestToken, Status.CREATED, ACE_CBOR),
                "verify", handler("verification request", verifier::verify, Status.CHANGED, CoapReply.CBOR),
                "pair", handler("pairwise key request", pairs::requestPairwiseKey, Status.CHANGED, CoapReply.CBOR),
                "group", handler("group key request", groups::requestGroupKeys, Status.CHANGED, CoapReply.CBOR));
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public Map<String, CoapHandler> resources() {
        return resources;
    }

    private CoapHandler handler(String what, UnaryOperator<byte[]> service, Status success, int format) {
        return call -> {
            if (!"POST".equals(call.method())) {
                return CoapReply.error(Status.METHOD_NOT_ALLOWED, "POST the " + what);
            }
            if (call.contentFormat() != CoapCall.NO_FORMAT && call.contentFormat() != CoapReply.CBOR
                    && call.contentFormat() != ACE_CBOR) {
                return refused(call, Status.UNSUPPORTED_CONTENT_FORMAT, new OffloadException(Refusal.MALFORMED,
                        what + " must be application/cbor (60) or application/ace+cbor (19)"));
            }
            try {
                byte[] kid = Cose.parseMac0(call.payload(), what).kid();
                if (!Arrays.equals(kid, call.caller().value().getBytes(StandardCharsets.UTF_8))) {
                    throw new OffloadException(Refusal.WRONG_BINDING, what + " is not from '" + call.caller()
                            + "', the thing on this " + call.authenticated().mechanism() + " channel");
                }
            } catch (OffloadException e) {
                return refused(call, status(e.refusal()), e);
            }
            try {
                return CoapReply.of(success, service.apply(call.payload()), format);
            } catch (OffloadException e) {
                // Counted by the service already.
                return reply(call, status(e.refusal()), e);
            }
        };
    }

    private CoapReply refused(CoapCall call, Status status, OffloadException e) {
        refusals.accept(e);
        return reply(call, status, e);
    }

    private static CoapReply reply(CoapCall call, Status status, OffloadException e) {
        String message = e.getMessage();
        REFUSALS.admit(status.name()).ifPresent(left -> LOG.info("Offload over CoAP refused for {} ({}): {}{}",
                call.caller(), status, message, left == 0 ? "" : " (" + left + " more such refusals not logged)"));
        return CoapReply.error(status, message.length() > MAX_DIAGNOSTIC ? message.substring(0, MAX_DIAGNOSTIC)
                : message);
    }

    /** The CoAP code of each refusal (docs/offload.md, "How the bindings expose it"). */
    public static Status status(Refusal refusal) {
        return switch (refusal) {
            case MALFORMED -> Status.BAD_REQUEST;
            case FORGED, EXPIRED, REPLAYED, WRONG_BINDING -> Status.UNAUTHORIZED;
            case NOT_OPERATIONAL, POLICY, UNKNOWN_MEMBER -> Status.FORBIDDEN;
            case UNKNOWN_THING, UNKNOWN_GROUP -> Status.NOT_FOUND;
        };
    }
}
