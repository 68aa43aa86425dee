package org.trusthub.security.link.ble;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A device address (Vol 6 Part B 1.3): 48 bits, written most significant octet first ("C0:12:34:56:78:9A"), and
 * whether it is public or random. A resolvable private address has 01 in its two top bits: prand (24 bits, top
 * octets) and hash = ah(IRK, prand) (low 24 bits), so only holders of the device's IRK recognise it.
 */
public record BleAddress(byte[] octets, boolean random) {

    public BleAddress {
        if (octets == null || octets.length != 6) {
            throw new BleSecurityException(BleSecurityException.Reason.MALFORMED, "a device address is 6 octets");
        }
        octets = octets.clone();
    }

    /** Parses "C0:12:34:56:78:9A" (random if the text ends with "/random" or the caller says so). */
    public static BleAddress parse(String text, boolean random) {
        String t = text == null ? "" : text.trim();
        if (!t.matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
            throw new BleSecurityException(BleSecurityException.Reason.MALFORMED,
                    "a device address looks like C0:12:34:56:78:9A");
        }
        return new BleAddress(HexFormat.of().parseHex(t.replace(":", "")), random);
    }

    /** A fresh resolvable private address for an IRK. */
    public static BleAddress resolvable(byte[] irk, SecureRandom random) {
        byte[] r = new byte[3];
        random.nextBytes(r);
        int prand = ((r[0] & 0x3F | 0x40) << 16) | (r[1] & 0xFF) << 8 | (r[2] & 0xFF);
        int hash = LeCrypto.ah(irk, prand);
        return new BleAddress(new byte[] { (byte) (prand >>> 16), (byte) (prand >>> 8), (byte) prand,
            (byte) (hash >>> 16), (byte) (hash >>> 8), (byte) hash }, true);
    }

    /** Whether this is a resolvable private address. */
    public boolean isResolvablePrivate() {
        return random && (octets[0] & 0xC0) == 0x40;
    }

    /** Whether this resolvable private address was made with the IRK. */
    public boolean resolvesWith(byte[] irk) {
        if (!isResolvablePrivate()) {
            return false;
        }
        int prand = (octets[0] & 0xFF) << 16 | (octets[1] & 0xFF) << 8 | (octets[2] & 0xFF);
        int hash = (octets[3] & 0xFF) << 16 | (octets[4] & 0xFF) << 8 | (octets[5] & 0xFF);
        return LeCrypto.ah(irk, prand) == hash;
    }

    /** The address as f5 and f6 take it: the type octet (1 random, 0 public) then the six octets. */
    public byte[] withType() {
        byte[] out = new byte[7];
        out[0] = (byte) (random ? 1 : 0);
        System.arraycopy(octets, 0, out, 1, 6);
        return out;
    }

    @Override
    public byte[] octets() {
        return octets.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BleAddress a && a.random == random && Arrays.equals(a.octets, octets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets) * 2 + (random ? 1 : 0);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                b.append(':');
            }
            b.append(String.format(Locale.ROOT, "%02X", octets[i] & 0xFF));
        }
        return b.toString();
    }
}
