package org.trusthub.security.oscore.internal;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.oscore.CoapOSException;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.OSCoreCtxDB;
import org.eclipse.californium.oscore.OSException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.api.keystore.StaleKeyException;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.security.oscore.OscoreIds;

/**
 * cf-oscore's context database, filled on demand: a request's key id names a thing (see {@link OscoreIds}); if it
 * is operational, its context is made from the keystore and kept until {@link #drop}. Only operational things get
 * one. The keystore records the key's use when the first request under the context verified or the context first
 * sends (a request the hub itself makes), and the context draws its first sender sequence number only then: a
 * request that does not decrypt writes nothing to the keystore. Replay windows live in the contexts (cf-oscore's
 * sliding window); their high-water marks are the keystore's replay marks ({@link ThingKeyStore#advanceReplayMark}),
 * one per thing under its master secret, so a restart refuses every message accepted before it. The keystore writes
 * a mark ahead in blocks (its {@code replayMarkReservation}), so a durable write is paid once per block of messages,
 * not per message; a mark belongs to one key, so a rotation or re-enrollment starts the new key's numbers afresh.
 * Two contexts of one key can be live at once (a drop and reopen, an updated bundle's and the old one's while a
 * request is in flight): {@link ReplayMarks.Guard} refuses in each a number the other took.
 */
final class ThingContextDb implements OSCoreCtxDB {
    private static final Logger LOG = LoggerFactory.getLogger(ThingContextDb.class);
    /** Any datagram can carry an unknown key id: one line a minute, the next says how many were left out. */
    private static final LogLimiter UNKNOWN_KID = new LogLimiter(Duration.ofMinutes(1), 1);
    static final int REPLAY_WINDOW = 32;

    private final ThingKeyStore keys;
    private final ThingRegistry registry;
    private final Refused refused;
    /** Contexts by key id and URI; tokens are kept apart (its own keeps every token it ever saw, in a list). */
    private final HashMapCtxDB contexts = new HashMapCtxDB();
    private final TokenContexts tokens;
    private final Map<ThingId, Live> live = new ConcurrentHashMap<>();
    private final Map<String, ThingId> byKid = new ConcurrentHashMap<>();

    private record Live(OSCoreCtx context, DerivedKey key) {
    }

    /** Told of each refusal the database sees, for the one count of refusals. */
    @FunctionalInterface
    interface Refused {
        void refused(Optional<ThingId> thing, RefusalReason reason);
    }

    ThingContextDb(ThingKeyStore keys, ThingRegistry registry) {
        this(keys, registry, (thing, reason) -> {
        });
    }

    ThingContextDb(ThingKeyStore keys, ThingRegistry registry, Refused refused) {
        this(keys, registry, refused, TokenContexts.DEFAULT_CAPACITY);
    }

    /** At most {@code tokenCapacity} exchanges without a response are remembered (see {@link TokenContexts}). */
    ThingContextDb(ThingKeyStore keys, ThingRegistry registry, Refused refused, int tokenCapacity) {
        this.keys = keys;
        this.registry = registry;
        this.refused = refused;
        this.tokens = new TokenContexts(tokenCapacity);
    }

    /** The name of a thing's replay mark under its master secret: its sender ID, the hub's recipient ID. */
    static String markName(byte[] rid) {
        return "rid-" + HexFormat.of().formatHex(rid);
    }

    @Override
    public OSCoreCtx getContext(byte[] rid, byte[] idContext) throws CoapOSException {
        OSCoreCtx known = contexts.getContext(rid, idContext);
        if (known != null || idContext != null) {
            return known;
        }
        OSCoreCtx opened = open(rid);
        if (opened == null) {
            // Counted here only: cf-oscore looks a request's key id up more than once.
            refused.refused(Optional.empty(), RefusalReason.UNKNOWN_KEY);
        }
        return opened;
    }

    @Override
    public OSCoreCtx getContext(byte[] rid) {
        OSCoreCtx known = contexts.getContext(rid);
        return known != null ? known : open(rid);
    }

    private synchronized OSCoreCtx open(byte[] rid) {
        if (rid == null || rid.length != OscoreIds.THING_ID_LENGTH) {
            return null;
        }
        OSCoreCtx again = contexts.getContext(rid);
        if (again != null) {
            return again;
        }
        Optional<Thing> thing = findByKid(rid);
        if (thing.isEmpty()) {
            UNKNOWN_KID.admit("no operational thing").ifPresent(left -> LOG.warn(
                    "OSCORE request refused: key id {} names no operational thing; {} like it not logged before",
                    HexFormat.of().formatHex(rid), left));
            return null;
        }
        ThingId id = thing.get().id();
        DerivedKey key = null;
        byte[] secret = null;
        try {
            // Unrecorded: a request that names the thing but does not decrypt must change nothing in the keystore.
            key = OscoreIds.masterSecretUnrecorded(keys, id);
            DerivedKey counterKey = key;
            secret = key.bytes();
            String mark = markName(rid);
            UseRecord use = new UseRecord(counterKey);
            // Used under the context's lock only (its replay checks are synchronized).
            ReplayMarks.Guard guard = new ReplayMarks.Guard(keys.replayMark(counterKey, mark));
            OSCoreCtx context = new KeystoreSequencedCtx(secret, false, OscoreIds.hubSenderId(), rid, null, null,
                    REPLAY_WINDOW, () -> sending(use, counterKey), seq -> marked(guard, counterKey, mark, seq), seq -> {
                        use.verified();
                        // Another context of the same key (a reopened one, an updated bundle's) may have taken it.
                        return guard.accept(seq, () -> keys.replayMark(counterKey, mark),
                                s -> keys.advanceReplayMark(counterKey, mark, s));
                    }, () -> refused.refused(Optional.of(id), RefusalReason.REPLAY));
            contexts.addContext(context);
            live.put(id, new Live(context, key));
            byKid.put(HexFormat.of().formatHex(rid), id);
            LOG.info("OSCORE context for {} opened", id);
            return context;
        } catch (OSException | KeystoreException | IllegalStateException e) {
            refused.refused(Optional.of(id), e instanceof StaleKeyException ? RefusalReason.STALE_KEY
                    : e instanceof KeystoreException ? RefusalReason.UNKNOWN_KEY : RefusalReason.MALFORMED);
            LOG.warn("OSCORE context for {} refused: {}", id, e.getClass().getSimpleName());
            if (key != null) {
                key.destroy();
            }
            return null;
        } finally {
            if (secret != null) {
                java.util.Arrays.fill(secret, (byte) 0);
            }
        }
    }

    /** Before the message is verified: a replay the mark already tells is answered as one (4.01) at once. */
    private boolean marked(ReplayMarks.Guard guard, DerivedKey key, String mark, int seq) {
        try {
            return guard.refuses(seq, keys.replayMark(key, mark));
        } catch (KeystoreException | IllegalStateException e) {
            // Stale or revoked: the message is refused once verified, when the mark cannot be moved.
            return false;
        }
    }

    /**
     * Records the master secret's use in the keystore once, when the first request under the context verified or
     * the context first sent.
     */
    private final class UseRecord {
        private final DerivedKey key;
        private boolean recorded;

        UseRecord(DerivedKey key) {
            this.key = key;
        }

        // Called under the context's lock, so once only.
        void verified() {
            if (recorded) {
                return;
            }
            try {
                keys.recordUse(key);
            } catch (KeystoreException | IllegalStateException e) {
                throw new IllegalStateException("OSCORE key use cannot be recorded: " + e.getClass().getSimpleName());
            }
            recorded = true;
        }
    }

    /**
     * The context sends a message: its key is in use, also when the hub opened it to send a request itself (no
     * request verified under it then). A context opened for a request that did not decrypt never sends.
     */
    private int sending(UseRecord use, DerivedKey key) throws OSException {
        try {
            use.verified();
        } catch (IllegalStateException e) {
            throw new OSException(e.getMessage());
        }
        return nextSequence(key);
    }

    private int nextSequence(DerivedKey key) throws OSException {
        try {
            return (int) keys.nextCounter(key, KeystoreSequencedCtx.SEQ_LIMIT);
        } catch (KeystoreException e) {
            // Stale (rotated), revoked or exhausted: the context must not send another message.
            throw new OSException("no sender sequence number: " + e.getClass().getSimpleName());
        }
    }

    /** Linear in the number of things, only on a context miss. */
    private Optional<Thing> findByKid(byte[] rid) {
        for (Thing t : registry.list()) {
            if (t.state() == LifecycleState.OPERATIONAL
                    && java.util.Arrays.equals(rid, OscoreIds.thingSenderId(t.id()))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    Optional<ThingId> thingOfKid(String ridHex) {
        return Optional.ofNullable(ridHex).map(h -> byKid.get(h.toLowerCase(java.util.Locale.ROOT)));
    }

    Set<ThingId> things() {
        return Set.copyOf(live.keySet());
    }

    /** The thing's live context as who it authenticates and how well (no key material). */
    Optional<Authenticated> session(ThingId thing) {
        return Optional.ofNullable(live.get(thing)).map(l -> new Authenticated(thing, Layer.APPLICATION,
                OscoreIds.MECHANISM, Protection.confidentiality().endToEnd(),
                HexFormat.of().formatHex(l.context().getRecipientId())));
    }

    Optional<OSCoreCtx> context(ThingId thing) {
        return Optional.ofNullable(live.get(thing)).map(Live::context);
    }

    synchronized void drop(ThingId thing) {
        Live gone = live.remove(thing);
        byKid.values().removeIf(thing::equals);
        if (gone != null) {
            contexts.removeContext(gone.context());
            tokens.removeAll(gone.context());
            gone.key().destroy();
            LOG.info("OSCORE context for {} dropped", thing);
        }
    }

    synchronized void dropAll() {
        for (ThingId thing : Set.copyOf(live.keySet())) {
            drop(thing);
        }
    }

    @Override
    public OSCoreCtx getContextByToken(Token token) {
        return token == null ? null : tokens.get(token);
    }

    /**
     * Called for every request that decrypted and every request the hub sends: constant cost, bounded memory. A token
     * another thing's exchange holds is refused (the request goes no further), so no thing can have its responses
     * protected under another thing's context. The
     * context is one this database handed out; it is not put back (cf-oscore's own database does): a request still in
     * flight when its thing's context was dropped must not bring the dropped context back.
     */
    @Override
    public void addContext(Token token, OSCoreCtx ctx) {
        if (token != null && tokens.put(token, ctx) != null) {
            // The exchange stops here: cf-oscore would otherwise answer it, or another thing's exchange, under the
            // wrong context. A thing that picked the token by chance sends its request again once the other is done.
            throw new IllegalStateException("OSCORE token already in use by an exchange of another thing");
        }
    }

    @Override
    public void addContext(String uri, OSCoreCtx ctx) throws OSException {
        contexts.addContext(uri, ctx);
    }

    @Override
    public void addContext(OSCoreCtx ctx) {
        contexts.addContext(ctx);
    }

    @Override
    public void removeContext(OSCoreCtx ctx) {
        contexts.removeContext(ctx);
    }

    @Override
    public OSCoreCtx getContext(String uri) throws OSException {
        return contexts.getContext(uri);
    }

    @Override
    public boolean tokenExist(Token token) {
        return token != null && tokens.contains(token);
    }

    @Override
    public void purge() {
        contexts.purge();
        tokens.clear();
    }

    @Override
    public void removeToken(Token token) {
        if (token != null) {
            tokens.remove(token);
        }
    }

    /** Tokens remembered now: exchanges under way (and those whose response never came, up to the capacity). */
    int tokenCount() {
        return tokens.size();
    }
}
