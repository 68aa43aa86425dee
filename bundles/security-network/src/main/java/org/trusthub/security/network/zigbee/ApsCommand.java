package org.trusthub.security.network.zigbee;

import java.util.Arrays;

import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;

/**
 * The APS security commands the trust center sends (ZigBee specification 4.4.10): Transport-Key (of the network key),
 * Switch-Key, Remove-Device is not needed (the hub is the only router). Payloads only; the APS header is separate.
 */
public final class ApsCommand {

    public static final int TRANSPORT_KEY = 0x05;
    public static final int SWITCH_KEY = 0x09;
    /** Key type of a standard network key in Transport-Key. */
    public static final int KEY_TYPE_NETWORK = 0x01;

    private ApsCommand() {
    }

    /** A Transport-Key payload carrying a network key. The caller wipes the result after sending it. */
    public static byte[] transportNetworkKey(byte[] networkKey, int keySequence, long destination, long source) {
        if (networkKey.length != 16) {
            throw new IllegalArgumentException("a network key is 16 bytes");
        }
        byte[] out = new byte[1 + 1 + 16 + 1 + 8 + 8];
        out[0] = TRANSPORT_KEY;
        out[1] = KEY_TYPE_NETWORK;
        System.arraycopy(networkKey, 0, out, 2, 16);
        out[18] = (byte) keySequence;
        Le.put(out, 19, destination, 8);
        Le.put(out, 27, source, 8);
        return out;
    }

    /** A Switch-Key payload. */
    public static byte[] switchKey(int keySequence) {
        return new byte[] {SWITCH_KEY, (byte) keySequence};
    }

    /** A parsed Transport-Key (network key) command. {@link #toString()} hides the key. */
    public record NetworkKeyTransport(byte[] key, int keySequence, long destination, long source) {
        @Override
        public String toString() {
            return "NetworkKeyTransport[seq " + keySequence + ", key redacted]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NetworkKeyTransport t && Arrays.equals(key, t.key) && keySequence == t.keySequence
                    && destination == t.destination && source == t.source;
        }

        @Override
        public int hashCode() {
            return keySequence;
        }
    }

    /** Parses a Transport-Key command carrying a network key. */
    public static NetworkKeyTransport parseTransportNetworkKey(byte[] payload) throws ZigbeeSecurityException {
        if (payload.length < 2 || (payload[0] & 0xFF) != TRANSPORT_KEY) {
            throw new ZigbeeSecurityException(Reason.MALFORMED, "not a Transport-Key command");
        }
        if ((payload[1] & 0xFF) != KEY_TYPE_NETWORK) {
            throw new ZigbeeSecurityException(Reason.UNSUPPORTED, "Transport-Key of key type " + (payload[1] & 0xFF));
        }
        Le r = new Le(payload, 2);
        r.read(16, "key", Reason.MALFORMED);
        int seq = (int) r.read(1, "key sequence number", Reason.MALFORMED);
        long dst = r.read(8, "destination address", Reason.MALFORMED);
        long src = r.read(8, "source address", Reason.MALFORMED);
        if (r.pos != payload.length) {
            throw new ZigbeeSecurityException(Reason.MALFORMED, "Transport-Key command has trailing bytes");
        }
        return new NetworkKeyTransport(Arrays.copyOfRange(payload, 2, 18), seq, dst, src);
    }

    /** Parses a Switch-Key command; returns the key sequence number. */
    public static int parseSwitchKey(byte[] payload) throws ZigbeeSecurityException {
        if (payload.length != 2 || (payload[0] & 0xFF) != SWITCH_KEY) {
            throw new ZigbeeSecurityException(Reason.MALFORMED, "not a Switch-Key command");
        }
        return payload[1] & 0xFF;
    }
}
