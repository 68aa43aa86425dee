package org.trusthub.security.wss.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * What authenticated messages were already accepted, for as long as each could still be accepted: the replay check of
 * WS-Security Timestamps, UsernameToken nonces and messages signed under a security context token.
 *
 * <p>Callers record a message only after its sender was authenticated and every policy check passed, so an attacker
 * without a key cannot add anything. Entries are kept per owner (the authenticated sender, or the token): an owner
 * may hold at most {@code perOwner} entries, so one that floods the hub with its own valid messages is refused once
 * its share is full and blocks nobody else. Each entry is forgotten once the message it came from would be refused as
 * stale anyway; expiry pops entries from the head of a queue ordered by that instant, so no insertion ever walks the
 * whole window. Identifiers are stored as 128-bit digests: an authenticated sender's long ids cost no more memory.
 *
 * <p>The window lives in memory, so it knows nothing of messages accepted before it was made (by the component
 * before a restart). It refuses every message created before the millisecond it was made: such a message may have
 * been accepted already. It also refuses a message whose acceptance ended before it could be recorded, so a check
 * of freshness and the expiry of the earlier entry can never both let the same message through. Thread safe.
 */
public final class ReplayWindow {

    /** What {@link #record} made of a message. */
    public enum Outcome {
        /** Not seen before: now recorded. */
        FRESH,
        /** One of its identifiers was recorded before and is still inside its window: nothing recorded. */
        REPLAYED,
        /** The owner's share of the window is full: nothing recorded. */
        OWNER_FULL,
        /** Created before this window was made: it may have been accepted already; nothing recorded. */
        BEFORE_START,
        /** Its acceptance ended before it could be recorded: nothing recorded. */
        STALE
    }

    private record Key(long high, long low) {
    }

    private record Entry(String owner, Key key, Instant until) {
    }

    private final Clock clock;
    private volatile int perOwner;
    private final Instant started;
    private final Map<String, Set<Key>> byOwner = new HashMap<>();
    private final PriorityQueue<Entry> byExpiry = new PriorityQueue<>(Comparator.comparing(Entry::until));

    /**
     * @param perOwner how many messages one owner may have inside the window at once (at least 1)
     */
    public ReplayWindow(Clock clock, int perOwner) {
        this.clock = Objects.requireNonNull(clock, "clock");
        perOwner(perOwner);
        // Senders write Created in milliseconds: a message made in the same millisecond as the window is not older.
        this.started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Changes how many messages one owner may have inside the window at once. Nothing already recorded is dropped:
     * an owner above a lowered share takes nothing new until its entries expire below it.
     *
     * @throws IllegalArgumentException if below 1
     */
    public void perOwner(int perOwner) {
        if (perOwner < 1) {
            throw new IllegalArgumentException("the replay entries per sender must be at least 1, not " + perOwner);
        }
        this.perOwner = perOwner;
    }

    /** The instant this window was made, to the millisecond: messages created before it are refused. */
    public Instant started() {
        return started;
    }

    /**
     * Records the identifiers of one accepted message, all or none.
     *
     * @param owner who the message is counted against: its authenticated sender or token
     * @param created when the message was created (its Timestamp's Created)
     * @param until the last instant the message could still be accepted; the entries are kept until then
     * @param identifiers what identifies the message (for example its Timestamp and its UsernameToken nonce)
     */
    public Outcome record(String owner, Instant created, Instant until, List<String> identifiers) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(until, "until");
        if (created.isBefore(started)) {
            return Outcome.BEFORE_START;
        }
        return add(owner, until, identifiers.stream().map(ReplayWindow::key).distinct().toList());
    }

    /**
     * As {@link #record(String, Instant, Instant, List)} for the answer to a request this side sent since the window
     * was made (bound to it by {@code wsa:RelatesTo}): it cannot be from before, whatever the replier's clock wrote
     * into its Created, so it is not refused as such.
     */
    public Outcome recordAnswer(String owner, Instant until, List<String> identifiers) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(until, "until");
        return add(owner, until, identifiers.stream().map(ReplayWindow::key).distinct().toList());
    }

    private synchronized Outcome add(String owner, Instant until, List<Key> keys) {
        // Read the clock once, here: an entry is dropped only when now is after its until, and a message is taken
        // only when now is not after its own, so the two decisions agree even if the caller checked earlier.
        Instant now = clock.instant();
        expire(now);
        if (now.isAfter(until)) {
            return Outcome.STALE;
        }
        if (keys.isEmpty()) {
            return Outcome.FRESH;
        }
        Set<Key> mine = byOwner.get(owner);
        if (mine != null) {
            for (Key key : keys) {
                if (mine.contains(key)) {
                    return Outcome.REPLAYED;
                }
            }
        }
        if ((mine == null ? 0 : mine.size()) + keys.size() > perOwner) {
            // Also a message with more identifiers than a whole share: it could never be taken.
            return Outcome.OWNER_FULL;
        }
        if (mine == null) {
            mine = new HashSet<>();
            byOwner.put(owner, mine);
        }
        for (Key key : keys) {
            mine.add(key);
            byExpiry.add(new Entry(owner, key, until));
        }
        return Outcome.FRESH;
    }

    /** How many identifiers are inside the window now. */
    public synchronized int size() {
        expire(clock.instant());
        return byExpiry.size();
    }

    /** How many owners have identifiers inside the window now. */
    public synchronized int owners() {
        expire(clock.instant());
        return byOwner.size();
    }

    /** Forgets everything. */
    public synchronized void clear() {
        byOwner.clear();
        byExpiry.clear();
    }

    // Entries leave in the order they expire: each is popped once, in O(log n), and no one waits for a sweep.
    private void expire(Instant now) {
        for (Entry head = byExpiry.peek(); head != null && now.isAfter(head.until()); head = byExpiry.peek()) {
            byExpiry.poll();
            Set<Key> owned = byOwner.get(head.owner());
            if (owned != null) {
                owned.remove(head.key());
                if (owned.isEmpty()) {
                    byOwner.remove(head.owner());
                }
            }
        }
    }

    private static Key key(String identifier) {
        try {
            ByteBuffer digest = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                    .digest(identifier.getBytes(StandardCharsets.UTF_8)));
            return new Key(digest.getLong(), digest.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
