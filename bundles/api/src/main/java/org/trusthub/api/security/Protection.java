package org.trusthub.api.security;

import java.util.Locale;
import java.util.Objects;

/**
 * How well a message or session is protected, whatever the protocol: its {@link Level} and whether that protection
 * runs from the thing to the hub only ({@link Reach#HOP_BY_HOP}: DTLS, TLS, IEEE 802.15.4 CCM*, ZigBee NWK, BLE link
 * encryption) or end to end between the two parties of the data, through any hop that merely forwards it
 * ({@link Reach#END_TO_END}: OSCORE, COSE objects, WS-Security, ZigBee APS).
 *
 * @param level what is protected
 * @param reach how far the protection reaches
 */
public record Protection(Level level, Reach reach) {

    /** What a message's protection guarantees. Ordered: each level includes the ones before it. */
    public enum Level {
        /** Nothing: anyone on the path can read and change it. */
        NONE,
        /** Origin and integrity: a change or a forged sender is detected; the content can be read. */
        INTEGRITY,
        /** Integrity and confidentiality: only the holders of the key can read it. */
        CONFIDENTIALITY
    }

    /** How far a protection reaches. Ordered: end to end includes hop by hop. */
    public enum Reach {
        /** Between two neighbours only: every hop removes and re-applies it, and can read and change the data. */
        HOP_BY_HOP,
        /** Between the two ends of the data: a hop in between can neither read (if confidential) nor forge it. */
        END_TO_END
    }

    /** No protection at all. */
    public static final Protection NONE = new Protection(Level.NONE, Reach.HOP_BY_HOP);

    public Protection {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(reach, "reach");
    }

    /** Integrity, hop by hop. */
    public static Protection integrity() {
        return new Protection(Level.INTEGRITY, Reach.HOP_BY_HOP);
    }

    /** Confidentiality (and integrity), hop by hop. */
    public static Protection confidentiality() {
        return new Protection(Level.CONFIDENTIALITY, Reach.HOP_BY_HOP);
    }

    /** The same level, end to end. */
    public Protection endToEnd() {
        return new Protection(level, Reach.END_TO_END);
    }

    /**
     * Whether this protection is at least {@code required}: its level is no lower, and it reaches end to end when
     * that is required. {@link #NONE} is satisfied by everything.
     */
    public boolean satisfies(Protection required) {
        Objects.requireNonNull(required, "required");
        if (required.level == Level.NONE) {
            return true;
        }
        return level.compareTo(required.level) >= 0 && reach.compareTo(required.reach) >= 0;
    }

    /**
     * Reads the form {@link #toString()} writes: {@code none}, {@code integrity}, {@code confidentiality}, the last
     * two optionally followed by {@code /end-to-end} or {@code /hop-by-hop} (the default). Case does not matter.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Protection parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("protection is empty: give none, integrity or confidentiality, "
                    + "optionally followed by /end-to-end");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        int slash = t.indexOf('/');
        String levelText = slash < 0 ? t : t.substring(0, slash);
        Level level = switch (levelText) {
            case "none" -> Level.NONE;
            case "integrity" -> Level.INTEGRITY;
            case "confidentiality" -> Level.CONFIDENTIALITY;
            default -> throw new IllegalArgumentException("unknown protection level '" + printable(levelText)
                    + "': give none, integrity or confidentiality");
        };
        if (slash < 0) {
            return new Protection(level, Reach.HOP_BY_HOP);
        }
        String reachText = t.substring(slash + 1);
        Reach reach = switch (reachText) {
            case "end-to-end" -> Reach.END_TO_END;
            case "hop-by-hop" -> Reach.HOP_BY_HOP;
            default -> throw new IllegalArgumentException("unknown protection reach '" + printable(reachText)
                    + "': give end-to-end or hop-by-hop");
        };
        if (level == Level.NONE && reach == Reach.END_TO_END) {
            throw new IllegalArgumentException("'none' has no reach: write just none");
        }
        return new Protection(level, reach);
    }

    /** {@code none}, {@code integrity}, {@code confidentiality/end-to-end} and so on; {@link #parse} reads it. */
    @Override
    public String toString() {
        String l = level.name().toLowerCase(Locale.ROOT);
        return level == Level.NONE || reach == Reach.HOP_BY_HOP ? l : l + "/end-to-end";
    }

    private static String printable(String s) {
        String cut = s.length() > 32 ? s.substring(0, 32) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
