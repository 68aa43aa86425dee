package org.trusthub.offload.wire;

import java.util.Objects;

import com.upokecenter.cbor.CBORException;
import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;

/** Strict reading of the few CBOR shapes the offload protocols use; anything else is MALFORMED. */
public final class Cbor {
    /** Largest object any offload message may be (a certificate chain of a few certificates fits). */
    public static final int MAX_MESSAGE = 16 * 1024;

    private Cbor() {
    }

    public static CBORObject decode(byte[] bytes, String what) {
        Objects.requireNonNull(bytes, what);
        if (bytes.length == 0 || bytes.length > MAX_MESSAGE) {
            throw WireException.malformed(what + " is " + bytes.length + " bytes; 1 to " + MAX_MESSAGE + " allowed");
        }
        try {
            return CBORObject.DecodeFromBytes(bytes);
        } catch (CBORException | IllegalArgumentException e) {
            throw WireException.malformed(what + " is not well-formed CBOR");
        }
    }

    public static CBORObject map(CBORObject m, String what) {
        if (m == null || m.getType() != CBORType.Map) {
            throw WireException.malformed(what + " must be a CBOR map");
        }
        return m;
    }

    public static CBORObject field(CBORObject map, int key, String what) {
        CBORObject v = map.get(CBORObject.FromObject(key));
        if (v == null) {
            throw WireException.malformed("missing " + what);
        }
        return v;
    }

    public static byte[] bytes(CBORObject map, int key, String what) {
        return bytes(field(map, key, what), what);
    }

    public static byte[] bytes(CBORObject v, String what) {
        if (v.getType() != CBORType.ByteString || v.isTagged()) {
            throw WireException.malformed(what + " must be a byte string");
        }
        return v.GetByteString();
    }

    public static String text(CBORObject map, int key, String what) {
        CBORObject v = field(map, key, what);
        if (v.getType() != CBORType.TextString || v.isTagged()) {
            throw WireException.malformed(what + " must be a text string");
        }
        return v.AsString();
    }

    public static long uint(CBORObject map, int key, String what) {
        CBORObject v = field(map, key, what);
        if (v.getType() != CBORType.Integer || v.isTagged() || !v.CanValueFitInInt64() || v.AsInt64Value() < 0) {
            throw WireException.malformed(what + " must be an unsigned integer");
        }
        return v.AsInt64Value();
    }

    public static CBORObject array(CBORObject v, int size, String what) {
        if (v.getType() != CBORType.Array || (size >= 0 && v.size() != size)) {
            throw WireException.malformed(what + " must be a CBOR array" + (size >= 0 ? " of " + size : ""));
        }
        return v;
    }

    public static byte[] encodeArray(Object... items) {
        CBORObject a = CBORObject.NewArray();
        for (Object o : items) {
            a.Add(o instanceof CBORObject c ? c : CBORObject.FromObject(o));
        }
        return a.EncodeToBytes();
    }
}
