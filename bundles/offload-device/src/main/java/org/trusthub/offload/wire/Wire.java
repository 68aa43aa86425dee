package org.trusthub.offload.wire;

import java.nio.charset.StandardCharsets;

/**
 * Names and numbers of the offload wire format (docs/offload.md, "Encodings"). Both the hub and the device model
 * use these, so they cannot drift apart.
 */
public final class Wire {
    private Wire() {
    }

    // Keystore mechanisms of the five keys every thing shares with the hub (layer APPLICATION, 16 bytes).
    public static final String MECH_REQUEST = "offload-request";
    public static final String MECH_TOKEN = "offload-token";
    public static final String MECH_WRAP = "offload-wrap";
    public static final String MECH_VERDICT = "offload-verdict";
    public static final String MECH_GROUP = "offload-group";

    // External AAD of each COSE object: binds it to its purpose, so one object is never accepted as another.
    public static final byte[] AAD_TOKEN_REQUEST = ascii("trusthub offload token request");
    public static final byte[] AAD_VERIFY_REQUEST = ascii("trusthub offload verify request");
    public static final byte[] AAD_PAIR_REQUEST = ascii("trusthub offload pair request");
    public static final byte[] AAD_GROUP_REQUEST = ascii("trusthub offload group request");
    public static final byte[] AAD_TOKEN = ascii("trusthub offload token");
    public static final byte[] AAD_CNF = ascii("trusthub offload cnf");
    public static final byte[] AAD_VERDICT = ascii("trusthub offload verdict");
    public static final byte[] AAD_PAIR_ENVELOPE = ascii("trusthub offload pair envelope");
    public static final byte[] AAD_PAIR_TICKET = ascii("trusthub offload pair ticket");

    // Request payload (a CBOR map inside the requester's COSE_Mac0).
    public static final int RQ_SEQ = 1;
    public static final int RQ_NONCE = 2;
    public static final int RQ_AUDIENCE = 3;
    public static final int RQ_SCOPE = 4;
    public static final int RQ_PEER = 3;
    public static final int RQ_GROUP = 3;
    public static final int RQ_ALG = 3;
    public static final int RQ_DATA = 4;
    public static final int RQ_SIGNATURE = 5;
    public static final int RQ_CHAIN = 6;
    /** Instead of {@link #RQ_DATA}: the SHA-256/384 digest of the signed data (ECDSA only), so a large image stays home. */
    public static final int RQ_DIGEST = 7;
    public static final int NONCE_MIN = 8;
    public static final int NONCE_MAX = 32;

    // CWT claims (RFC 8392) and the OSCORE input material (RFC 9203 section 3.2.1).
    public static final int CWT_ISS = 1;
    public static final int CWT_SUB = 2;
    public static final int CWT_AUD = 3;
    public static final int CWT_EXP = 4;
    public static final int CWT_IAT = 6;
    public static final int CWT_CTI = 7;
    public static final int CWT_CNF = 8;
    public static final int CWT_SCOPE = 9;
    public static final int CNF_OSC = 4;
    public static final int OSC_ID = 0;
    public static final int OSC_MS = 2;
    public static final int OSC_SALT = 5;
    public static final String ISSUER = "trusthub";

    // ACE token response (RFC 9200 section 5.8.2): access_token, expires_in, cnf, ace_profile (coap_oscore = 2).
    public static final int ACE_ACCESS_TOKEN = 1;
    public static final int ACE_EXPIRES_IN = 2;
    public static final int ACE_CNF = 8;
    public static final int ACE_PROFILE = 38;
    public static final int ACE_PROFILE_COAP_OSCORE = 2;

    // The client's wrapped confirmation (inside COSE_Encrypt0 under its wrap key).
    public static final int CC_NONCE = 1;
    public static final int CC_AUDIENCE = 2;
    public static final int CC_EXP = 3;
    public static final int CC_OSC = 4;
    public static final int CC_CTI = 5;

    // Verdict payload.
    public static final int V_NONCE = 1;
    public static final int V_DIGEST = 2;
    public static final int V_VALID = 3;
    public static final int V_REASON = 4;
    public static final int V_SUBJECT = 5;
    public static final int V_CHECKED = 6;

    // Pairwise key response, envelope and ticket.
    public static final int PR_ENVELOPE = 1;
    public static final int PR_TICKET = 2;
    public static final int PE_NONCE = 1;
    public static final int PE_PEER = 2;
    public static final int PE_KEY = 3;
    public static final int PE_EXP = 4;
    public static final int PE_ID = 5;

    // Group key response.
    public static final int GR_NONCE = 1;
    public static final int GR_GROUP = 2;
    public static final int GR_EPOCHS = 3;

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The 8-byte tag a wrapped group key carries for its group: SHA-256 of the name, truncated. */
    public static byte[] groupTag(Crypto crypto, String group) {
        return java.util.Arrays.copyOf(crypto.sha256(utf8("trusthub offload group " + group)), 8);
    }
}
