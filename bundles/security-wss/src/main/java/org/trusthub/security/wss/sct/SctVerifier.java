package org.trusthub.security.wss.sct;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.xml.namespace.QName;

import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.WSDataRef;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.engine.WSSecurityEngine;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.apache.wss4j.dom.message.token.Timestamp;
import org.apache.wss4j.dom.processor.Processor;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.internal.ReplayWindow;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The receiver's side: checks a SOAP 1.2 envelope signed with the proof key of a security context token, alone and
 * offline. The token is opened by the {@link SecurityContextResolver} before WSS4J runs (so a forged, foreign or
 * expired token is refused with its own reason, not as a failed signature); WSS4J then processes the header with the
 * recovered key: the SCT, the HMAC-SHA256 signature, the Timestamp. Afterwards it checks what WSS4J leaves to the
 * caller: one token, one signature keyed by that token, the allowed algorithms, that Body, Timestamp and every other
 * header block are what was signed, and that the Timestamp was not seen before. On success the security header is
 * removed and the token's subject is the authenticated sender.
 *
 * <p>A message is recorded as seen only once it passed every check, the caller's included ({@link Acceptance}): a
 * forged or refused message takes no room. Each sender, the subject of the tokens it signs requests under, has one
 * share of the replay window over all its tokens ({@value #REPLAY_ENTRIES_PER_SENDER} messages by default): a holder
 * flooding its own tokens blocks only itself, and holding many tokens gives it no more room. Each entry is kept only
 * while its message could still be accepted. The window lives in memory, so a request created before this verifier
 * was made is refused (it may have been accepted before a restart); a reply is not, its RelatesTo binds it to a
 * request made since. Thread safe.
 */
public final class SctVerifier {

    /** What a verified message carried. */
    public record Verified(ThingId subject, ThingId audience, Instant tokenExpires, Instant created) {
    }

    /** A check by the caller of a verified message before it is recorded as seen (for example: its own policy). */
    @FunctionalInterface
    public interface Acceptance {
        /**
         * @throws WsSecurityException to refuse the message; it is then not recorded, and may be sent again
         */
        void accept(Verified message) throws WsSecurityException;
    }

    /** Allowed clock difference between sender and receiver. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    /**
     * Messages one sender (token subject; for replies, one token) may have inside the replay window at once, unless
     * set otherwise.
     */
    public static final int REPLAY_ENTRIES_PER_SENDER = 10_000;

    private final SecurityContextResolver resolver;
    private final Clock clock;
    private final Duration timestampTtl;
    private final WSSConfig config;
    private final ReplayWindow seen;

    /**
     * @param timestampTtl the longest validity a Timestamp may claim (and how long after Created it is accepted)
     */
    public SctVerifier(SecurityContextResolver resolver, Clock clock, Duration timestampTtl) {
        this(resolver, clock, timestampTtl, REPLAY_ENTRIES_PER_SENDER);
    }

    /**
     * @param timestampTtl the longest validity a Timestamp may claim (and how long after Created it is accepted)
     * @param replayEntriesPerSender how many messages one sender may have inside the replay window at once
     */
    public SctVerifier(SecurityContextResolver resolver, Clock clock, Duration timestampTtl,
            int replayEntriesPerSender) {
        this.seen = new ReplayWindow(Objects.requireNonNull(clock, "clock"), replayEntriesPerSender);
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timestampTtl = Objects.requireNonNull(timestampTtl, "timestampTtl");
        this.config = WSSConfig.getNewInstance();
        config.setCurrentTime(clock::instant);
        Processor refuse = (element, data) -> {
            throw new WSSecurityException(WSSecurityException.ErrorCode.UNSUPPORTED_SECURITY_TOKEN,
                    "unsupportedKeyId", new Object[] {element.getLocalName()});
        };
        // Only SCT, Signature and Timestamp: anything else in the header is refused, never half-processed.
        for (QName token : List.of(WSConstants.SAML_TOKEN, WSConstants.SAML2_TOKEN, WSConstants.ENCRYPTED_ASSERTION,
                WSConstants.DERIVED_KEY_TOKEN_05_02, WSConstants.DERIVED_KEY_TOKEN_05_12,
                WSConstants.SECURITY_CONTEXT_TOKEN_05_02, WSConstants.SIGNATURE_CONFIRMATION,
                WSConstants.BINARY_TOKEN, WSConstants.USERNAME_TOKEN, WSConstants.ENCRYPTED_KEY,
                WSConstants.REFERENCE_LIST, WSConstants.ENCRYPTED_DATA)) {
            config.setProcessor(token, refuse);
        }
        // WSS4J's own Timestamp check reads the system clock; checkTimestamp does it against this receiver's clock
        // (a device keeps its own time), so WSS4J only parses the Timestamp here.
        config.setValidator(WSConstants.TIMESTAMP, (org.apache.wss4j.dom.validate.Validator) (credential, data)
                -> credential);
    }

    /** The receiver's current time. */
    public java.time.Instant now() {
        return clock.instant();
    }

    /** Whether the envelope's security header carries a WS-SecureConversation 1.4 security context token. */
    public static boolean carriesSct(Document envelope) {
        try {
            return Soap.of(envelope).security().map(s -> !Soap.children(s, Soap.WSC, "SecurityContextToken")
                    .isEmpty()).orElse(false);
        } catch (WsSecurityException e) {
            return false;
        }
    }

    /**
     * @param receiver the thing the message is for: the token's audience must be this thing
     * @throws WsSecurityException naming what is wrong (no key material in the message)
     */
    public Verified verify(Document document, ThingId receiver) throws WsSecurityException {
        return verify(document, receiver, timestampTtl, message -> {
        });
    }

    /**
     * As {@link #verify(Document, ThingId)}, with a stricter freshness and the caller's own check before the message
     * is recorded as seen.
     *
     * @param maxAge how long after its Created the message is accepted: at most the verifier's Timestamp validity
     * @param acceptance the caller's check of the verified message; what it refuses is not recorded
     */
    public Verified verify(Document document, ThingId receiver, Duration maxAge, Acceptance acceptance)
            throws WsSecurityException {
        Duration age = maxAge.compareTo(timestampTtl) < 0 ? maxAge : timestampTtl;
        Soap soap = Soap.of(document);
        Soap.rejectDuplicateIds(soap.root);
        Element security = soap.security().orElseThrow(() -> new WsSecurityException(Fault.INVALID_SECURITY,
                "no wsse:Security header"));
        Element token = oneToken(security);
        String identifier = identifier(token);
        SecurityContext context = resolver.resolve(identifier, receiver);
        byte[] key = context.key();
        try {
            if (!context.audience().equals(receiver)) {
                throw new WsSecurityException(Fault.FAILED_AUTHENTICATION,
                        "the security context token is for " + context.audience() + ", not for " + receiver);
            }
            Instant now = clock.instant();
            if (!now.isBefore(context.expires())) {
                throw new WsSecurityException(Fault.MESSAGE_EXPIRED,
                        "the security context token expired at " + context.expires());
            }
            WSHandlerResult results = process(security, identifier, key);
            Instant created = checkTimestamp(results, age);
            checkSignature(results, soap, security, token);
            Verified verified = new Verified(context.subject(), context.audience(), context.expires(), created);
            acceptance.accept(verified);
            remember("request|" + context.subject().value(), identifier, results, age, false);
            security.getParentNode().removeChild(security);
            return verified;
        } finally {
            Arrays.fill(key, (byte) 0);
            context.destroy();
        }
    }

    /** WS-Addressing 1.0 (DPWS 1.1) and the 2004/08 member submission (DPWS 2006). */
    public static final Set<String> WS_ADDRESSING = Set.of("http://www.w3.org/2005/08/addressing",
            "http://schemas.xmlsoap.org/ws/2004/08/addressing");

    /** What a verified reply carried: when it was created. */
    public record VerifiedReply(Instant created) {
    }

    /**
     * The requester's side of a reply: checks that a reply to a request this side signed with a security context
     * token is signed (HMAC-SHA256) with the same proof key, under the same token, over Body, Timestamp and every
     * header block, that its {@code wsa:RelatesTo} names the request, that it is fresh and that it was not seen
     * before. No resolver is involved: the requester already holds the key. On success the security header is removed.
     *
     * @param identifier       the {@code wsc:Identifier} of the token the request was signed under
     * @param proofKey         that token's proof key (not kept, not wiped)
     * @param requestMessageId the request's {@code wsa:MessageID}
     * @throws WsSecurityException for an unsigned reply, a reply signed under another token or key, a tampered,
     *         stale or replayed reply, or one that answers another request
     */
    public VerifiedReply verifyReply(Document reply, String identifier, byte[] proofKey, String requestMessageId)
            throws WsSecurityException {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(proofKey, "proofKey");
        Objects.requireNonNull(requestMessageId, "requestMessageId");
        Soap soap = Soap.of(reply);
        Soap.rejectDuplicateIds(soap.root);
        Element security = soap.security().orElseThrow(() -> new WsSecurityException(Fault.INVALID_SECURITY,
                "the reply is not signed: it has no wsse:Security header"));
        Element token = oneToken(security);
        if (!identifier.equals(identifier(token))) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION,
                    "the reply is signed under another security context token than the request");
        }
        WSHandlerResult results = process(security, identifier, proofKey);
        Instant created = checkTimestamp(results, timestampTtl);
        checkSignature(results, soap, security, token);
        // Signed, so RelatesTo is the replier's: a reply to another request of ours must not stand in for this one.
        List<String> relatesTo = new java.util.ArrayList<>();
        for (Element block : soap.headerBlocks()) {
            if ("RelatesTo".equals(block.getLocalName()) && block.getNamespaceURI() != null
                    && WS_ADDRESSING.contains(block.getNamespaceURI())) {
                relatesTo.add(block.getTextContent().trim());
            }
        }
        if (relatesTo.size() != 1 || !relatesTo.get(0).equals(requestMessageId)) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION, relatesTo.isEmpty()
                    ? "the reply has no wsa:RelatesTo" : "the reply answers another request (wsa:RelatesTo)");
        }
        remember("reply|" + digest(identifier), identifier, results, timestampTtl, true);
        security.getParentNode().removeChild(security);
        return new VerifiedReply(created);
    }

    private static Element oneToken(Element security) throws WsSecurityException {
        List<Element> tokens = Soap.children(security, Soap.WSC, "SecurityContextToken");
        if (tokens.size() != 1) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, tokens.isEmpty()
                    ? "no wsc:SecurityContextToken in the security header"
                    : "more than one wsc:SecurityContextToken in the security header");
        }
        return tokens.get(0);
    }

    private static String identifier(Element token) throws WsSecurityException {
        List<Element> ids = Soap.children(token, Soap.WSC, "Identifier");
        if (ids.size() != 1 || ids.get(0).getTextContent().isBlank()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY_TOKEN,
                    "the security context token needs exactly one wsc:Identifier");
        }
        return ids.get(0).getTextContent().trim();
    }

    private WSHandlerResult process(Element security, String identifier, byte[] key) throws WsSecurityException {
        RequestData data = new RequestData();
        data.setWssConfig(config);
        data.setCallbackHandler(new KeyOfToken(identifier, key));
        data.setTimeStampTTL((int) timestampTtl.toSeconds());
        data.setTimeStampFutureTTL((int) CLOCK_SKEW.toSeconds());
        data.setTimeStampStrict(true);
        data.setRequireTimestampExpires(true);
        data.setEnableRevocation(false);
        WSHandlerResult results;
        try {
            WSSecurityEngine engine = new WSSecurityEngine();
            engine.setWssConfig(config);
            results = engine.processSecurityHeader(security, data);
        } catch (WSSecurityException e) {
            throw translate(e);
        }
        if (results == null) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the security header is empty");
        }
        return results;
    }

    private Instant checkTimestamp(WSHandlerResult results, Duration maxAge) throws WsSecurityException {
        List<WSSecurityEngineResult> found = results.getActionResults().getOrDefault(WSConstants.TS, List.of());
        if (found.size() != 1) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, found.isEmpty()
                    ? "the security header has no Timestamp" : "the security header has more than one Timestamp");
        }
        Timestamp ts = (Timestamp) found.get(0).get(WSSecurityEngineResult.TAG_TIMESTAMP);
        if (ts.getCreated() == null || ts.getExpires() == null) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the Timestamp lacks Created or Expires");
        }
        if (Duration.between(ts.getCreated(), ts.getExpires()).compareTo(timestampTtl.plus(CLOCK_SKEW)) > 0) {
            throw new WsSecurityException(Fault.MESSAGE_EXPIRED,
                    "the Timestamp claims a validity longer than allowed");
        }
        // Against the receiver's clock (WSS4J's check is switched off above, it reads the system clock).
        Instant now = clock.instant();
        if (ts.getCreated().isAfter(now.plus(CLOCK_SKEW))) {
            throw new WsSecurityException(Fault.MESSAGE_EXPIRED, "the Timestamp was created in the future");
        }
        if (!now.isBefore(ts.getExpires()) || now.isAfter(ts.getCreated().plus(maxAge))) {
            throw new WsSecurityException(Fault.MESSAGE_EXPIRED, "the message is stale (its Timestamp expired)");
        }
        return ts.getCreated();
    }

    private static void checkSignature(WSHandlerResult results, Soap soap, Element security, Element token)
            throws WsSecurityException {
        List<WSSecurityEngineResult> found = results.getActionResults().getOrDefault(WSConstants.SIGN, List.of());
        if (found.size() != 1) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, found.isEmpty()
                    ? "the message is not signed" : "more than one signature");
        }
        WSSecurityEngineResult result = found.get(0);
        if (!WSConstants.HMAC_SHA256.equals(result.get(WSSecurityEngineResult.TAG_SIGNATURE_METHOD))
                || !WSConstants.C14N_EXCL_OMIT_COMMENTS.equals(
                        result.get(WSSecurityEngineResult.TAG_CANONICALIZATION_METHOD))) {
            throw new WsSecurityException(Fault.UNSUPPORTED_ALGORITHM,
                    "only HMAC-SHA256 with Exclusive C14N is accepted with a security context token");
        }
        // The signature's key must be the token's: its KeyInfo references the token by its wsu:Id.
        String tokenId = token.getAttributeNS(Soap.WSU, "Id");
        Element signature = Soap.children(security, Soap.DS, "Signature").stream().findFirst().orElseThrow(
                () -> new WsSecurityException(Fault.INVALID_SECURITY, "no ds:Signature in the security header"));
        if (tokenId.isEmpty() || !referencesToken(signature, tokenId)) {
            throw new WsSecurityException(Fault.INVALID_SECURITY,
                    "the signature is not keyed by the security context token");
        }
        @SuppressWarnings("unchecked")
        List<WSDataRef> refs = (List<WSDataRef>) result.get(WSSecurityEngineResult.TAG_DATA_REF_URIS);
        Set<Element> covered = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (WSDataRef ref : refs == null ? List.<WSDataRef>of() : refs) {
            if (!WSConstants.SHA256.equals(ref.getDigestAlgorithm())) {
                throw new WsSecurityException(Fault.UNSUPPORTED_ALGORITHM, "only SHA-256 digests are accepted");
            }
            if (ref.getProtectedElement() != null) {
                covered.add(ref.getProtectedElement());
            }
        }
        require(covered, soap.body, "the SOAP Body");
        for (Element block : soap.headerBlocks()) {
            require(covered, block, "header " + block.getLocalName());
        }
        for (Element ts : Soap.children(security, Soap.WSU, "Timestamp")) {
            require(covered, ts, "the Timestamp");
        }
    }

    private static boolean referencesToken(Element signature, String tokenId) {
        for (Element keyInfo : Soap.children(signature, Soap.DS, "KeyInfo")) {
            for (Element str : Soap.children(keyInfo, Soap.WSSE, "SecurityTokenReference")) {
                for (Element ref : Soap.children(str, Soap.WSSE, "Reference")) {
                    if (("#" + tokenId).equals(ref.getAttribute("URI"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void require(Set<Element> covered, Element e, String what) throws WsSecurityException {
        if (!covered.contains(e)) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, what + " is not covered by the signature");
        }
    }

    // Only after the signature and the caller's checks held: a forged or refused message must not take room.
    /**
     * @param owner whose share the message counts against: a request's subject (over all its tokens), a reply's token
     */
    private void remember(String owner, String identifier, WSHandlerResult results, Duration maxAge,
            boolean answer) throws WsSecurityException {
        Timestamp ts = (Timestamp) results.getActionResults().get(WSConstants.TS).get(0)
                .get(WSSecurityEngineResult.TAG_TIMESTAMP);
        // Kept while the message is still accepted (checkTimestamp): before Expires and at most maxAge old.
        Instant byAge = ts.getCreated().plus(maxAge);
        Instant until = byAge.isBefore(ts.getExpires()) ? byAge : ts.getExpires();
        List<String> ids = List.of(digest(identifier) + "|" + ts.getCreated() + "|" + ts.getExpires() + "|"
                + ts.getID());
        // A reply answers a request of this side's (RelatesTo was checked): it cannot predate this verifier.
        ReplayWindow.Outcome outcome = answer ? seen.recordAnswer(owner, until, ids)
                : seen.record(owner, ts.getCreated(), until, ids);
        switch (outcome) {
            case REPLAYED -> throw new WsSecurityException(Fault.MESSAGE_EXPIRED, "replayed message (its Timestamp "
                    + "was seen before under this security context)");
            case OWNER_FULL -> throw new WsSecurityException(Fault.FAILED_CHECK, "too many messages from this "
                    + "sender in the replay window; try again later");
            case BEFORE_START -> throw new WsSecurityException(Fault.MESSAGE_EXPIRED, "the message was created "
                    + "before this verifier started at " + seen.started() + " and may have been accepted already; "
                    + "send a new one");
            case STALE -> throw new WsSecurityException(Fault.MESSAGE_EXPIRED, "the message is stale");
            case FRESH -> {
            }
        }
    }

    /**
     * Changes how many messages one sender may have inside the replay window at once; nothing recorded is dropped.
     *
     * @throws IllegalArgumentException if below 1
     */
    public void replayEntriesPerSender(int entries) {
        seen.perOwner(entries);
    }

    /** Messages inside the replay window now, over every token (for tests and benchmarks). */
    public int replayEntries() {
        return seen.size();
    }

    private static String digest(String identifier) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identifier.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WsSecurityException translate(WSSecurityException e) {
        Fault fault = switch (e.getErrorCode()) {
            case UNSUPPORTED_SECURITY_TOKEN -> Fault.UNSUPPORTED_SECURITY_TOKEN;
            case UNSUPPORTED_ALGORITHM -> Fault.UNSUPPORTED_ALGORITHM;
            case INVALID_SECURITY -> Fault.INVALID_SECURITY;
            case INVALID_SECURITY_TOKEN -> Fault.INVALID_SECURITY_TOKEN;
            case MESSAGE_EXPIRED -> Fault.MESSAGE_EXPIRED;
            default -> Fault.FAILED_CHECK;
        };
        String detail = e.getMessage();
        return new WsSecurityException(fault, "the security header was refused: "
                + (detail == null ? e.getErrorCode() : detail));
    }

    /** Hands WSS4J the already recovered key for the one token in the message, and nothing else. */
    private static final class KeyOfToken implements CallbackHandler {
        private final String identifier;
        private final byte[] key;

        KeyOfToken(String identifier, byte[] key) {
            this.identifier = identifier;
            this.key = key;
        }

        @Override
        public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
            for (Callback c : callbacks) {
                if (c instanceof WSPasswordCallback pc && pc.getUsage() == WSPasswordCallback.SECURITY_CONTEXT_TOKEN
                        && identifier.equals(pc.getIdentifier())) {
                    pc.setKey(key.clone());
                } else {
                    throw new UnsupportedCallbackException(c, "no key for this token");
                }
            }
        }
    }
}
