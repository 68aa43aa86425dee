package org.trusthub.security.wss.internal;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.crypto.SecretKey;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.xml.namespace.QName;

import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.common.util.KeyUtils;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.engine.WSSecurityEngine;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.apache.wss4j.dom.message.WSSecEncrypt;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.apache.wss4j.dom.message.WSSecUsernameToken;
import org.apache.wss4j.dom.message.token.Timestamp;
import org.apache.wss4j.dom.message.token.UsernameToken;
import org.apache.wss4j.dom.processor.Processor;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.WssResult;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * WS-Security on one SOAP 1.2 envelope with WSS4J (DOM): applies a policy to outgoing messages and checks incoming
 * ones against it. Beyond what WSS4J checks it makes sure that what is signed is what the receiver will act on (the
 * real Body, every header block, the Timestamp: signature wrapping), that the policy is met (no downgrade; both
 * checked by {@link ResultChecks}), that ids
 * are unique, and that no message of an authenticated sender is accepted twice (its Timestamp and UsernameToken
 * nonce go to a {@link ReplayWindow}, after every other check passed). Thread safe.
 */
final class WssEngine {

    static final String SOAP12_NS = WSConstants.URI_SOAP12_ENV;
    static final String WSSE_NS = WSConstants.WSSE_NS;
    static final String WSU_NS = WSConstants.WSU_NS;
    static final String XENC_NS = WSConstants.ENC_NS;
    /** The user name the hub puts in UsernameTokens it sends; a thing's own tokens carry its thing id. */
    static final String HUB_USERNAME = "trusthub";

    /** Allowed clock difference between sender and hub. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    /**
     * Messages one sender may have inside its replay window at once: about 33 a second sustained with the default
     * 300 s Timestamp validity. A sender past it is refused until its oldest messages leave the window.
     */
    static final int REPLAY_ENTRIES_PER_SENDER = 10_000;

    private final Credentials credentials;
    private final KeystoreCrypto crypto;
    private final WSSConfig config;
    private final Clock clock;
    private final ReplayWindow replays;
    private final Outgoing outgoing;
    private final ResultChecks checks;

    /**
     * How outgoing messages are made: algorithms and the user name of UsernameTokens. The hub always uses
     * {@link #DEFAULT}; tests pick others to prove they are refused, or play a thing that names itself.
     */
    record Outgoing(String signature, String digest, String encryption, String username) {
        static final Outgoing DEFAULT = new Outgoing(Algorithms.SIGNATURE, Algorithms.DIGEST, Algorithms.ENCRYPTION,
                HUB_USERNAME);
    }

    WssEngine(Credentials credentials, Clock clock) {
        this(credentials, clock, Outgoing.DEFAULT);
    }

    WssEngine(Credentials credentials, Clock clock, Outgoing outgoing) {
        this(credentials, clock, outgoing, REPLAY_ENTRIES_PER_SENDER);
    }

    WssEngine(Credentials credentials, Clock clock, Outgoing outgoing, int replayEntriesPerSender) {
        this.credentials = credentials;
        this.crypto = new KeystoreCrypto(credentials);
        this.clock = clock;
        this.outgoing = outgoing;
        this.replays = new ReplayWindow(clock, replayEntriesPerSender);
        this.checks = new ResultChecks(credentials, clock);
        this.config = WSSConfig.getNewInstance();
        config.setCurrentTime(clock::instant);
        // No SAML, no derived keys, no secure conversation: such tokens are refused, never half-processed.
        Processor refuse = (element, data) -> {
            throw new WSSecurityException(WSSecurityException.ErrorCode.UNSUPPORTED_SECURITY_TOKEN,
                    "unsupportedKeyId", new Object[] {element.getLocalName()});
        };
        for (QName token : List.of(WSConstants.SAML_TOKEN, WSConstants.SAML2_TOKEN, WSConstants.ENCRYPTED_ASSERTION,
                WSConstants.DERIVED_KEY_TOKEN_05_02, WSConstants.DERIVED_KEY_TOKEN_05_12,
                WSConstants.SECURITY_CONTEXT_TOKEN_05_02, WSConstants.SECURITY_CONTEXT_TOKEN_05_12,
                WSConstants.SIGNATURE_CONFIRMATION)) {
            config.setProcessor(token, refuse);
        }
    }

    // ---------------------------------------------------------------------------------------------------- secure

    WssResult secure(Document document, WssPolicy policy, ThingId peer) throws WsSecurityException {
        Envelope envelope = Envelope.of(document);
        if (envelope.security().isPresent()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the envelope already has a wsse:Security header");
        }
        if (policy.isPlain()) {
            return WssResult.NONE;
        }
        Optional<X509Certificate> peerCertificate = policy.encrypt() ? credentials.certificateOf(peer)
                : Optional.empty();
        if (policy.encrypt() && peerCertificate.isEmpty()) {
            throw new WsSecurityException(Fault.SECURITY_TOKEN_UNAVAILABLE,
                    "cannot encrypt to " + peer + ": it has no active root certificate");
        }
        try {
            List<WSEncryptionPart> signed = new ArrayList<>();
            for (Element block : envelope.headerBlocks()) {
                signed.add(new WSEncryptionPart(ensureId(block)));
            }
            WSSecHeader header = new WSSecHeader(document);
            header.setMustUnderstand(true);
            header.insertSecurityHeader();

            WSSecTimestamp timestamp = new WSSecTimestamp(header);
            timestamp.setTimeToLive((int) policy.timestampTtl().toSeconds());
            timestamp.setWsTimeSource(clock::instant);
            timestamp.setPrecisionInMilliSeconds(true);
            timestamp.build();
            signed.add(new WSEncryptionPart(timestamp.getId()));

            String username = null;
            if (policy.usernameToken()) {
                char[] password = credentials.usernamePassword(peer).orElseThrow(() -> new WsSecurityException(
                        Fault.SECURITY_TOKEN_UNAVAILABLE, "no UsernameToken password for " + peer));
                try {
                    WSSecUsernameToken token = new WSSecUsernameToken(header);
                    token.setPasswordType(WSConstants.PASSWORD_DIGEST);
                    token.setUserInfo(outgoing.username(), new String(password));
                    token.setWsTimeSource(clock::instant);
                    token.addNonce();
                    token.addCreated();
                    token.build();
                    signed.add(new WSEncryptionPart(token.getId()));
                    username = outgoing.username();
                } finally {
                    Arrays.fill(password, '\0');
                }
            }
            signed.add(new WSEncryptionPart("Body", SOAP12_NS, "Element"));

            if (policy.sign()) {
                WSSecSignature signature = new WSSecSignature(header);
                signature.setUserInfo(KeystoreCrypto.HUB_ALIAS, null);
                signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
                signature.setSignatureAlgorithm(outgoing.signature());
                signature.setDigestAlgo(outgoing.digest());
                signature.setSigCanonicalization(Algorithms.C14N);
                // No InclusiveNamespaces lists: nothing signed carries QNames in content, and every byte counts on
                // a constrained link (about 100 bytes per reference).
                signature.setAddInclusivePrefixes(false);
                signature.getParts().addAll(signed);
                signature.build(crypto);
            }
            if (policy.encrypt()) {
                WSSecEncrypt encrypt = new WSSecEncrypt(header);
                encrypt.setUseThisCert(peerCertificate.get());
                encrypt.setKeyIdentifierType(WSConstants.ISSUER_SERIAL);
                encrypt.setKeyAgreementMethod(Algorithms.KEY_AGREEMENT);
                encrypt.setKeyDerivationMethod(Algorithms.KEY_DERIVATION);
                encrypt.setKeyEncAlgo(Algorithms.KEY_WRAP);
                encrypt.setSymmetricEncAlgorithm(outgoing.encryption());
                encrypt.getParts().add(new WSEncryptionPart("Body", SOAP12_NS, "Content"));
                SecretKey key = KeyUtils.getKeyGenerator(outgoing.encryption()).generateKey();
                encrypt.build(crypto, key);
            }
            return new WssResult(policy.sign(), policy.encrypt(), Optional.empty(),
                    policy.sign() ? Optional.of(credentials.hub().certificate()) : Optional.empty(),
                    Optional.ofNullable(username), Optional.of(clock.instant()), Optional.empty());
        } catch (WSSecurityException e) {
            throw translate(e, "securing the message failed");
        }
    }

    // ---------------------------------------------------------------------------------------------------- verify

    /**
     * Checks an incoming envelope and removes its security header.
     *
     * @param policy the policy the message must meet
     * @param expectedSender the thing that must have signed it and named itself in a UsernameToken; empty when any
     *        trusted thing may (a request to a hosted service)
     */
    WssResult verify(Document document, WssPolicy policy, Optional<ThingId> expectedSender)
            throws WsSecurityException {
        return verify(document, policy, expectedSender, sender -> {
        });
    }

    /** A check of the authenticated sender beyond the message itself (for example: is it operational). */
    interface SenderCheck {
        void check(ThingId sender) throws WsSecurityException;
    }

    /**
     * As {@link #verify(Document, WssPolicy, Optional)}, and the authenticated sender must pass {@code accept} before
     * the message is recorded as seen: a message refused there can be sent again once the sender may.
     */
    WssResult verify(Document document, WssPolicy policy, Optional<ThingId> expectedSender, SenderCheck accept)
            throws WsSecurityException {
        Envelope envelope = Envelope.of(document);
        rejectDuplicateIds(document.getDocumentElement());
        Optional<Element> security = envelope.security();
        if (security.isEmpty()) {
            if (policy.isPlain()) {
                return WssResult.NONE;
            }
            throw new WsSecurityException(Fault.INVALID_SECURITY, RefusalReason.POLICY,
                    "no wsse:Security header, but the policy requires " + policy.label());
        }
        WSHandlerResult results;
        try {
            WSSecurityEngine engine = new WSSecurityEngine();
            engine.setWssConfig(config);
            results = engine.processSecurityHeader(security.get(), requestData(policy));
        } catch (WSSecurityException e) {
            throw translate(e, "the security header was refused");
        }
        if (results == null) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the security header is empty");
        }
        Timestamp timestamp = checks.timestamp(results, policy);
        Optional<UsernameToken> token = checks.usernameToken(results, policy, expectedSender);
        Optional<String> username = token.map(UsernameToken::getName);
        ResultChecks.Signed signed = checks.signature(results, envelope, policy, expectedSender);
        boolean encrypted = checks.encryption(results, envelope, policy);
        if (username.isPresent() && signed.signer().isPresent() && !username.get().equals(
                signed.signer().get().value())) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION,
                    "the UsernameToken and the signature name different senders");
        }
        Optional<ThingId> sender = signed.signer().or(() -> username.map(ThingId::of));
        if (sender.isPresent()) {
            accept.check(sender.get());
            if (username.isPresent()) {
                // Only now, with the message authenticated and accepted, is the password's key in use.
                credentials.recordUsernameUse(ThingId.of(username.get()));
            }
            recordSeen(sender.get(), timestamp, token, policy);
        }
        Element securityHeader = security.get();
        securityHeader.getParentNode().removeChild(securityHeader);
        return new WssResult(signed.signer().isPresent(), encrypted, sender, signed.certificate(), username,
                Optional.of(timestamp.getCreated()), Optional.empty());
    }

    /** How many identifiers one sender may have inside the replay window at once (at least 1). */
    void replayEntriesPerSender(int entries) {
        replays.perOwner(entries);
    }

    /** Identifiers inside the replay window now (for tests and benchmarks). */
    int replayEntries() {
        return replays.size();
    }

    // Last: the sender is authenticated and every check passed, so only a sender's own accepted messages take room,
    // and only its own share. A message with no authenticated sender is not recorded: anyone could make a fresh one,
    // so refusing its replay protects nothing and its entries would be the attacker's to fill.
    private void recordSeen(ThingId sender, Timestamp timestamp, Optional<UsernameToken> token, WssPolicy policy)
            throws WsSecurityException {
        Instant created = timestamp.getCreated();
        Instant until = ResultChecks.lastAccepted(created, timestamp.getExpires(), policy);
        List<String> identifiers = new ArrayList<>(2);
        identifiers.add("ts|" + timestamp.getCreated() + "|" + timestamp.getExpires() + "|" + timestamp.getID());
        if (token.isPresent()) {
            identifiers.add("nonce|" + token.get().getNonce());
            // Without a signature only the UsernameToken's Created is authenticated: a replayed token in a fresh
            // Timestamp must still count as old.
            Instant tokenCreated = token.get().getCreatedDate();
            created = tokenCreated.isBefore(created) ? tokenCreated : created;
            Instant tokenUntil = tokenCreated.plus(policy.timestampTtl());
            until = tokenUntil.isAfter(until) ? tokenUntil : until;
        }
        switch (replays.record(sender.value(), created, until, identifiers)) {
            case REPLAYED -> throw new WsSecurityException(Fault.MESSAGE_EXPIRED,
                    "replayed message: its Timestamp or UsernameToken nonce was accepted before");
            case OWNER_FULL -> throw new WsSecurityException(Fault.FAILED_CHECK, sender + " sent more messages "
                    + "than the replay window holds for one sender; try again later");
            case BEFORE_START -> throw new WsSecurityException(Fault.MESSAGE_EXPIRED, "the message was created "
                    + "before WS-Security started at " + replays.started() + " and may have been accepted already; "
                    + "send a new one");
            case STALE -> throw new WsSecurityException(Fault.MESSAGE_EXPIRED, "the message is stale");
            case FRESH -> {
            }
        }
    }

    private RequestData requestData(WssPolicy policy) {
        RequestData data = new RequestData();
        data.setWssConfig(config);
        data.setSigVerCrypto(crypto);
        data.setDecCrypto(crypto);
        data.setCallbackHandler(new PasswordLookup());
        data.setAlgorithmSuite(Algorithms.suite());
        int ttl = (int) policy.timestampTtl().toSeconds();
        int skew = (int) CLOCK_SKEW.toSeconds();
        data.setTimeStampTTL(ttl);
        data.setTimeStampFutureTTL(skew);
        data.setTimeStampStrict(true);
        data.setRequireTimestampExpires(true);
        data.setUtTTL(ttl);
        data.setUtFutureTTL(skew);
        data.setAllowUsernameTokenNoPassword(false);
        data.setRequiredPasswordType(WSConstants.PASSWORD_DIGEST);
        data.setEnableRevocation(false);
        data.setAllowRSA15KeyTransportAlgorithm(false);
        data.setRequireSignedEncryptedDataElements(false);
        return data;
    }

    // Ids are how signatures and encryption point at elements: a duplicate lets one element stand in for another.
    static void rejectDuplicateIds(Element root) throws WsSecurityException {
        Set<String> seen = new HashSet<>();
        Node node = root;
        while (node != null) {
            if (node instanceof Element element) {
                NamedNodeMap attributes = element.getAttributes();
                for (int i = 0; i < attributes.getLength(); i++) {
                    Attr attribute = (Attr) attributes.item(i);
                    String local = attribute.getLocalName() == null ? attribute.getName() : attribute.getLocalName();
                    if (("Id".equals(local) || "ID".equals(local) || "id".equals(local)
                            && "http://www.w3.org/XML/1998/namespace".equals(attribute.getNamespaceURI()))
                            && !seen.add(attribute.getValue())) {
                        throw new WsSecurityException(Fault.INVALID_SECURITY,
                                "duplicate id in the envelope (signature wrapping)");
                    }
                }
            }
            node = next(node, root);
        }
    }

    private static Node next(Node node, Node root) {
        if (node.getFirstChild() != null) {
            return node.getFirstChild();
        }
        while (node != null && node != root) {
            if (node.getNextSibling() != null) {
                return node.getNextSibling();
            }
            node = node.getParentNode();
        }
        return null;
    }

    private static String ensureId(Element element) {
        String id = element.getAttributeNS(WSU_NS, "Id");
        if (!id.isEmpty()) {
            return id;
        }
        id = "id-" + UUID.randomUUID();
        element.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wsu", WSU_NS);
        element.setAttributeNS(WSU_NS, "wsu:Id", id);
        return id;
    }

    static WsSecurityException translate(WSSecurityException e, String context) {
        Fault fault = switch (e.getErrorCode()) {
            case UNSUPPORTED_SECURITY_TOKEN -> Fault.UNSUPPORTED_SECURITY_TOKEN;
            case UNSUPPORTED_ALGORITHM -> Fault.UNSUPPORTED_ALGORITHM;
            case INVALID_SECURITY -> Fault.INVALID_SECURITY;
            case INVALID_SECURITY_TOKEN -> Fault.INVALID_SECURITY_TOKEN;
            case FAILED_AUTHENTICATION -> Fault.FAILED_AUTHENTICATION;
            case SECURITY_TOKEN_UNAVAILABLE -> Fault.SECURITY_TOKEN_UNAVAILABLE;
            case MESSAGE_EXPIRED -> Fault.MESSAGE_EXPIRED;
            default -> Fault.FAILED_CHECK;
        };
        String detail = e.getMessage();
        if (detail != null && detail.contains("replay attack")) {
            // WSS4J reports its replay caches' hits as InvalidSecurity; to the sender it is a stale message.
            fault = Fault.MESSAGE_EXPIRED;
        }
        return new WsSecurityException(fault, context + ": " + (detail == null ? e.getErrorCode() : detail), e);
    }

    /** Answers WSS4J's questions for UsernameToken passwords: a thing's is derived from its root credential. */
    private final class PasswordLookup implements CallbackHandler {
        @Override
        public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
            for (Callback callback : callbacks) {
                if (!(callback instanceof WSPasswordCallback pc)
                        || pc.getUsage() != WSPasswordCallback.USERNAME_TOKEN) {
                    throw new UnsupportedCallbackException(callback, "only UsernameToken passwords are looked up");
                }
                String identifier = pc.getIdentifier();
                if (identifier != null && ThingId.isValid(identifier)) {
                    credentials.usernamePasswordUnrecorded(ThingId.of(identifier)).ifPresent(password -> {
                        pc.setPassword(new String(password));
                        Arrays.fill(password, '\0');
                    });
                }
            }
        }
    }
}
