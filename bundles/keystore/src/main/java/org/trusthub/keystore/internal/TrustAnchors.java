package org.trusthub.keystore.internal;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.trusthub.api.keystore.AnchoredCertificates;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.TrustAnchorEntry;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.keystore.internal.KeystoreRecords.Anchor;
import org.trusthub.keystore.internal.KeystoreRecords.AnchorRemoved;
import org.trusthub.keystore.internal.KeystoreRecords.Rec;

/**
 * The keystore's trust anchors by alias (DER and purposes), and their aliases, purposes and certificates as the
 * keystore accepts them. Changed only by {@link #apply} (under the keystore's write lock); read under its read lock.
 */
final class TrustAnchors {

    static final int MAX_ALIAS_LENGTH = 64;

    private static final Pattern ALIAS = Pattern.compile("[a-z0-9._-]{1," + MAX_ALIAS_LENGTH + "}");

    private final TreeMap<String, Anchor> anchors = new TreeMap<>();

    /** Whether an anchor has the alias. */
    boolean contains(String alias) {
        return anchors.containsKey(alias);
    }

    /** The stored anchors, ordered by alias, to turn into entries outside the lock ({@link #entries}). */
    List<Anchor> copy() {
        return new ArrayList<>(anchors.values());
    }

    /**
     * The anchors as the API hands them out; anchors stored before anchors had purposes serve
     * {@link TrustPurpose#MIGRATED}.
     *
     * @throws KeystoreException if a stored certificate cannot be parsed
     */
    static List<TrustAnchorEntry> entries(List<Anchor> anchors) {
        List<TrustAnchorEntry> out = new ArrayList<>(anchors.size());
        for (Anchor a : anchors) {
            X509Certificate certificate;
            try {
                certificate = HubIdentities.certificate(a.certificate());
            } catch (GeneralSecurityException ex) {
                throw new KeystoreException("stored trust anchor '" + a.alias() + "' cannot be parsed", ex);
            }
            out.add(new TrustAnchorEntry(a.alias(), certificate,
                    a.purposes() == null ? TrustPurpose.MIGRATED : a.purposes(), a.purposes() == null));
        }
        return Collections.unmodifiableList(out);
    }

    /** The aliases of anchors stored before anchors had purposes. */
    List<String> migrated() {
        List<String> out = new ArrayList<>();
        anchors.values().stream().filter(a -> a.purposes() == null).forEach(a -> out.add(a.alias()));
        return out;
    }

    /**
     * The alias of the anchor with this public key, or null. A key that is both a thing's and an anchor's would let
     * that thing issue certificates the hub trusts.
     */
    String aliasWithKey(byte[] publicKey) {
        for (Anchor a : anchors.values()) {
            if (Arrays.equals(publicKeyOf(a.certificate(), "trust anchor '" + a.alias() + "'"), publicKey)) {
                return a.alias();
            }
        }
        return null;
    }

    /** The encoded public key of a stored certificate. */
    static byte[] publicKeyOf(byte[] der, String what) {
        try {
            return HubIdentities.certificate(der).getPublicKey().getEncoded();
        } catch (GeneralSecurityException e) {
            throw new KeystoreException("stored " + what + " cannot be parsed", e);
        }
    }

    /**
     * The record adding an anchor, once its alias, purposes and certificate are accepted (the caller checks, under
     * the write lock, that the alias is free and the key no thing's).
     *
     * @throws IllegalArgumentException naming what is refused
     */
    static Anchor record(String alias, X509Certificate anchor, Set<TrustPurpose> purposes) {
        checkAlias(alias);
        java.util.Objects.requireNonNull(anchor, "anchor");
        Set<TrustPurpose> chosen = checkPurposes(alias, purposes);
        checkAuthority(alias, anchor);
        try {
            return new Anchor(alias, anchor.getEncoded(), chosen);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException("trust anchor '" + alias + "' cannot be encoded: " + e.getMessage(),
                    e);
        }
    }

    /**
     * Refuses an alias that is taken, and a key that is a thing's or the hub's ({@code holderOfKey} names who holds it, or gives null):
     * a thing or the hub is no certification authority.
     *
     * @throws IllegalArgumentException naming what is refused
     */
    void checkFree(String alias, java.util.function.Supplier<String> holderOfKey) {
        if (anchors.containsKey(alias)) {
            throw new IllegalArgumentException("trust anchor alias '" + alias + "' is taken; remove it first");
        }
        String holder = holderOfKey.get();
        if (holder != null) {
            throw new IllegalArgumentException("trust anchor '" + alias + "' refused: its key is that of "
                    + holder + "; a thing or the hub is no certification authority");
        }
    }

    /** Applies an anchor record, written or replayed. */
    void apply(Rec rec) {
        if (rec instanceof Anchor r) {
            if (anchors.putIfAbsent(r.alias(), r) != null) {
                throw new IllegalStateException("trust anchor '" + r.alias() + "' is added twice");
            }
        } else if (rec instanceof AnchorRemoved r) {
            if (anchors.remove(r.alias()) == null) {
                throw new IllegalStateException("trust anchor '" + r.alias() + "' is removed but was not there");
            }
        } else {
            throw new IllegalArgumentException("not a trust anchor record: " + rec.getClass().getSimpleName());
        }
    }

    /** The anchors as a snapshot holds them. */
    void snapshot(List<? super Anchor> out) {
        out.addAll(anchors.values());
    }

    /**
     * Returns the alias when it is well formed: short lower-case names are safe in file names, shell output and logs.
     *
     * @throws IllegalArgumentException naming what is wrong otherwise
     */
    static String checkAlias(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw new IllegalArgumentException("malformed trust anchor alias: it must be 1 to " + MAX_ALIAS_LENGTH
                    + " lower-case letters, digits, '.', '_' and '-'");
        }
        return alias;
    }

    /**
     * The purposes, copied, when there is at least one: an anchor without a purpose would be either useless or, read
     * as "everything", the hole purposes close.
     */
    static Set<TrustPurpose> checkPurposes(String alias, Set<TrustPurpose> purposes) {
        if (purposes == null || purposes.isEmpty() || purposes.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("trust anchor '" + alias + "' needs at least one purpose");
        }
        return EnumSet.copyOf(purposes);
    }

    /** Refuses a certificate that cannot issue certificates (basicConstraints CA and keyCertSign). */
    static void checkAuthority(String alias, X509Certificate anchor) {
        try {
            AnchoredCertificates.checkAuthority(anchor);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("trust anchor '" + alias + "' refused: " + e.getMessage());
        }
    }
}
