package org.trusthub.web.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

import org.trusthub.api.keystore.RootCredential;

/**
 * What the dashboard sends to enroll a thing, read into what the hub takes: a secret file's content (as the console's
 * {@code --secret-file} reads it: hex text, or 16 to 64 raw bytes), or a ZigBee device's IEEE address and install code,
 * typed or from the text of its QR code ({@code Z:<IEEE>$I:<install code>}, further {@code $} fields ignored). Errors
 * name the field and never echo a secret.
 */
final class Credentials {

    private static final Pattern IEEE = Pattern.compile("[0-9A-Fa-f]{16}");
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]+");

    /** A ZigBee device to commission: its IEEE address and install code (hex with CRC). */
    record ZigbeeCode(long ieee, String installCode) {
    }

    private Credentials() {
    }

    /** The root secret from a secret file's content, base64 in field {@code field}. */
    static RootCredential.Secret secretFile(String field, String base64) {
        byte[] content;
        try {
            content = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.bad(field, "must be the file's content in base64");
        }
        byte[] secret = null;
        try {
            String text = new String(content, StandardCharsets.ISO_8859_1).strip();
            if (!text.isEmpty() && HEX.matcher(text).matches()) {
                if (text.length() % 2 != 0 || text.length() < 2 * RootCredential.MIN_SECRET_LENGTH
                        || text.length() > 2 * RootCredential.MAX_SECRET_LENGTH) {
                    throw ApiException.bad(field, "holds " + text.length() + " hex digits; a root secret is "
                            + 2 * RootCredential.MIN_SECRET_LENGTH + " to " + 2 * RootCredential.MAX_SECRET_LENGTH
                            + " hex digits (an even number)");
                }
                secret = HexFormat.of().parseHex(text);
            } else {
                if (content.length < RootCredential.MIN_SECRET_LENGTH
                        || content.length > RootCredential.MAX_SECRET_LENGTH) {
                    throw ApiException.bad(field, "holds " + content.length + " bytes that are not hex text; a raw "
                            + "root secret is " + RootCredential.MIN_SECRET_LENGTH + " to "
                            + RootCredential.MAX_SECRET_LENGTH + " bytes");
                }
                secret = content.clone();
            }
            return RootCredential.secret(secret);
        } finally {
            Arrays.fill(content, (byte) 0);
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
        }
    }

    /** A typed IEEE address and install code. */
    static ZigbeeCode zigbee(String ieeeField, String ieee, String codeField, String code) {
        String i = ieee.strip().replace(":", "");
        if (!IEEE.matcher(i).matches()) {
            throw ApiException.bad(ieeeField, "must be the device's 64-bit IEEE address: 16 hex digits");
        }
        String c = code.strip().replace(" ", "").replace("-", "");
        if (c.isEmpty() || !HEX.matcher(c).matches()) {
            throw ApiException.bad(codeField, "must be the install code in hex, with its CRC");
        }
        return new ZigbeeCode(Long.parseUnsignedLong(i, 16), c.toUpperCase(Locale.ROOT));
    }

    /** The IEEE address and install code from a ZigBee install code QR text. */
    static ZigbeeCode zigbeeQr(String field, String text) {
        String ieee = null;
        String code = null;
        for (String part : text.strip().split("\\$")) {
            if (part.startsWith("Z:")) {
                ieee = part.substring(2);
            } else if (part.startsWith("I:")) {
                code = part.substring(2);
                int extra = code.indexOf('%');
                if (extra >= 0) {
                    code = code.substring(0, extra);
                }
            }
        }
        if (ieee == null || code == null) {
            throw ApiException.bad(field, "is no ZigBee install code QR text: it needs Z:<IEEE address> and "
                    + "I:<install code>, separated by $");
        }
        return zigbee(field, ieee, field, code);
    }
}
