package org.trusthub.security.wss.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Supplier;

import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.WssResult;
import org.trusthub.security.wss.sct.SctBodyCipher;
import org.trusthub.security.wss.sct.SctSigner;
import org.trusthub.security.wss.sct.SctVerifier;
import org.trusthub.security.wss.sct.SecurityContext;
import org.trusthub.security.wss.sct.SecurityContextResolver;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Requests to hosted things signed with a security context token's proof key: checked by {@link SctVerifier} with
 * the registered resolver (one verifier, so its replay cache spans every request). Such a request counts as signed
 * by the token's subject; its Body may be encrypted under a key derived from the proof key ({@link SctBodyCipher},
 * decrypted after the signature held), and must be when the hosted thing's policy requires encryption.
 *
 * <p>The reply to such a request is signed with the same proof key: the requester holds no certificate and does no
 * public-key operation, so it can only check a reply under the key it already has. Between the two the proof key is
 * held here, by the requester and the request's {@code wsa:MessageID} (the reply's {@code wsa:RelatesTo}), until the
 * reply is secured or the request's Timestamp validity is over; then it is wiped.
 */
final class SctRequests {

    /**
     * Replies one token subject may have waiting for their key: a subject that sends requests and never takes the
     * answers blocks its own further requests, no one else's.
     */
    static final int PENDING_PER_SUBJECT = 1_000;

    private final SctVerifier verifier;
    private final Clock clock;
    private final int pendingPerSubject;
    // The context the resolver opened for the request being verified on this thread (the verifier wipes its own).
    private final ThreadLocal<SecurityContext> opened = new ThreadLocal<>();
    private final SctSessions sessions = new SctSessions();
    // Guarded by itself: held keys by requester and MessageID, how many each requester holds, and the order they
    // expire in (an entry whose key was taken by its reply stays queued until its instant, then is skipped).
    private final Map<String, Pending> pending = new HashMap<>();
    private final Map<ThingId, Integer> pendingBySubject = new HashMap<>();
    private final PriorityQueue<Queued> pendingByExpiry = new PriorityQueue<>(Comparator.comparing(Queued::until));

    private record Pending(ThingId subject, String identifier, byte[] key, boolean encrypt, Duration ttl,
            Instant until) {
    }

    private record Queued(String key, Pending pending, Instant until) {
    }

    SctRequests(Supplier<SecurityContextResolver> resolver, Clock clock) {
        this(resolver, clock, PENDING_PER_SUBJECT);
    }

    SctRequests(Supplier<SecurityContextResolver> resolver, Clock clock, int pendingPerSubject) {
        this.clock = clock;
        this.pendingPerSubject = pendingPerSubject;
        // The longest Timestamp validity the configuration allows; each policy's own TTL is checked below.
        this.verifier = new SctVerifier((identifier, receiver) -> {
            SecurityContextResolver r = resolver.get();
            if (r == null) {
                throw new WsSecurityException(Fault.SECURITY_TOKEN_UNAVAILABLE,
                        "security context tokens are not accepted: no token service is installed");
            }
            SecurityContext c = r.resolve(identifier, receiver);
            byte[] k = c.key();
            try {
                opened.set(new SecurityContext(c.identifier(), c.subject(), c.audience(), c.expires(), k));
            } finally {
                Arrays.fill(k, (byte) 0);
            }
            return c;
        }, clock, Duration.ofHours(1));
    }

    /**
     * @param subjectCheck what the token's subject must pass (before the request is recorded as seen)
     */
    WssResult verify(Document envelope, ThingId hosted, WssPolicy policy, WssEngine.SenderCheck subjectCheck)
            throws WsSecurityException {
        boolean encrypted = SctBodyCipher.isEncrypted(envelope);
        if (policy.encrypt() && !encrypted && SctBodyCipher.hasContent(envelope)) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, RefusalReason.POLICY,
                    "the policy of " + hosted + " requires "
                    + "encryption; the Body of this message signed with a security context token is not encrypted");
        }
        if (policy.usernameToken()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, RefusalReason.POLICY,
                    "the policy of " + hosted + " requires a "
                    + "UsernameToken; a message signed with a security context token has none");
        }
        Optional<String> messageId = addressingHeader(envelope, "MessageID");
        String[] held = new String[1];
        try {
            // Everything that can still refuse the request runs before the verifier records it as seen: the
            // subject's check, decryption, room for the reply's key. The policy sets how old a request may be.
            SctVerifier.Verified v = verifier.verify(envelope, hosted, policy.timestampTtl(), verified -> {
                subjectCheck.check(verified.subject());
                SecurityContext c = opened.get();
                if (c == null) {
                    throw new IllegalStateException("the verifier did not resolve the token on this thread");
                }
                if (encrypted) {
                    // Only now: the signature (over the ciphertext) held, so nothing unauthenticated is decrypted.
                    byte[] proof = c.key();
                    byte[] bodyKey = SctBodyCipher.bodyKey(proof);
                    try {
                        SctBodyCipher.decrypt(envelope, bodyKey);
                    } finally {
                        Arrays.fill(proof, (byte) 0);
                        Arrays.fill(bodyKey, (byte) 0);
                    }
                }
                if (messageId.isPresent()) {
                    // An encrypted request gets an encrypted answer, as does any request under an encrypting policy.
                    held[0] = hold(verified.subject(), messageId.get(), new Pending(verified.subject(),
                            c.identifier(), c.key(), encrypted || policy.encrypt(), policy.timestampTtl(),
                            clock.instant().plus(policy.timestampTtl())));
                }
            });
            held[0] = null;
            SecurityContext c = opened.get();
            if (c != null) {
                sessions.seen(v.subject(), c.identifier(), encrypted, c.expires());
            }
            return new WssResult(true, encrypted, Optional.of(v.subject()), Optional.empty(), Optional.empty(),
                    Optional.of(v.created()), Optional.ofNullable(c == null ? null : c.identifier()));
        } finally {
            if (held[0] != null) {
                // Refused after the key was held (a replay, the token's share full): no reply will follow.
                release(held[0]);
            }
            SecurityContext c = opened.get();
            opened.remove();
            if (c != null) {
                c.destroy();
            }
        }
    }

    /**
     * Signs {@code reply} with the proof key of the request it answers, when that request came from {@code peer}
     * signed under a security context token; empty (the envelope untouched) otherwise.
     */
    Optional<WssResult> secureReply(Document reply, ThingId peer) throws WsSecurityException {
        Optional<String> relatesTo = addressingHeader(reply, "RelatesTo");
        if (relatesTo.isEmpty()) {
            return Optional.empty();
        }
        Pending p = take(key(peer, relatesTo.get()));
        if (p == null) {
            return Optional.empty();
        }
        byte[] bodyKey = p.encrypt() ? SctBodyCipher.bodyKey(p.key()) : null;
        try {
            // An empty Body (nothing to hide) stays as it is.
            boolean encrypted = bodyKey != null && SctBodyCipher.encrypt(reply, bodyKey);
            SctSigner.signReply(reply, p.identifier(), p.key(), p.ttl(), clock);
            return Optional.of(new WssResult(true, encrypted, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(clock.instant()), Optional.of(p.identifier())));
        } finally {
            Arrays.fill(p.key(), (byte) 0);
            if (bodyKey != null) {
                Arrays.fill(bodyKey, (byte) 0);
            }
        }
    }

    /** The tokens {@code subject} signed accepted requests under that have not expired, as sessions. */
    List<Authenticated> sessions(ThingId subject) {
        return sessions.of(subject, clock.instant());
    }

    /** Drops what is held for a thing: its tokens' sessions and the keys of replies it has not yet been sent. */
    void forget(ThingId thing) {
        sessions.forget(thing);
        synchronized (pending) {
            List<String> gone = new java.util.ArrayList<>();
            pending.forEach((k, p) -> {
                if (p.subject().equals(thing)) {
                    gone.add(k);
                }
            });
            gone.forEach(this::release);
        }
    }

    /** How many requests one token subject may have inside the replay window at once (at least 1). */
    void replayEntriesPerSender(int entries) {
        verifier.replayEntriesPerSender(entries);
    }

    /** Requests inside the replay window now. */
    int replayEntries() {
        return verifier.replayEntries();
    }

    /** How many replies wait for their key (for tests). */
    int pending() {
        synchronized (pending) {
            expire();
            return pending.size();
        }
    }

    /** Holds the key for the reply; returns the entry's key. */
    private String hold(ThingId subject, String messageId, Pending p) throws WsSecurityException {
        synchronized (pending) {
            expire();
            String k = key(subject, messageId);
            if (pending.containsKey(k)) {
                // WS-Addressing MessageIDs are unique: a second request with one would make its reply ambiguous.
                Arrays.fill(p.key(), (byte) 0);
                throw new WsSecurityException(Fault.INVALID_SECURITY, "a request with this wsa:MessageID from "
                        + subject + " is still being answered");
            }
            if (pendingBySubject.getOrDefault(subject, 0) >= pendingPerSubject) {
                Arrays.fill(p.key(), (byte) 0);
                throw new WsSecurityException(Fault.FAILED_CHECK, "too many requests from " + subject
                        + " waiting for their reply; try again later");
            }
            pending.put(k, p);
            pendingBySubject.merge(subject, 1, Integer::sum);
            pendingByExpiry.add(new Queued(k, p, p.until()));
            return k;
        }
    }

    private Pending take(String k) {
        synchronized (pending) {
            expire();
            Pending p = pending.remove(k);
            if (p != null) {
                pendingBySubject.computeIfPresent(p.subject(), (s, n) -> n == 1 ? null : n - 1);
            }
            return p;
        }
    }

    private void release(String k) {
        Pending p = take(k);
        if (p != null) {
            Arrays.fill(p.key(), (byte) 0);
        }
    }

    // Pops what is due from the head of the queue: no walk over every held key.
    private void expire() {
        Instant now = clock.instant();
        for (Queued head = pendingByExpiry.peek(); head != null && !now.isBefore(head.until());
                head = pendingByExpiry.peek()) {
            pendingByExpiry.poll();
            if (pending.get(head.key()) == head.pending()) {
                pending.remove(head.key());
                pendingBySubject.computeIfPresent(head.pending().subject(), (s, n) -> n == 1 ? null : n - 1);
                Arrays.fill(head.pending().key(), (byte) 0);
            }
        }
    }

    private static String key(ThingId thing, String messageId) {
        return thing.value() + "\n" + messageId;
    }

    /** The text of the envelope's one WS-Addressing header of this name (any WS-Addressing version). */
    static Optional<String> addressingHeader(Document envelope, String local) {
        Element root = envelope.getDocumentElement();
        for (Node h = root == null ? null : root.getFirstChild(); h != null; h = h.getNextSibling()) {
            if (h instanceof Element header && "Header".equals(header.getLocalName())) {
                String found = null;
                for (Node n = header.getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (n instanceof Element e && local.equals(e.getLocalName())
                            && e.getNamespaceURI() != null && SctVerifier.WS_ADDRESSING.contains(e.getNamespaceURI())) {
                        if (found != null) {
                            return Optional.empty();
                        }
                        found = e.getTextContent().trim();
                    }
                }
                return Optional.ofNullable(found);
            }
        }
        return Optional.empty();
    }
}
