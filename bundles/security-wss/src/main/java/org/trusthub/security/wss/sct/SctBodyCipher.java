package org.trusthub.security.wss.sct;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.xml.security.encryption.XMLCipher;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Confidentiality for SOAP messages keyed by a security context token: the Body's content becomes one
 * {@code xenc:EncryptedData} (Type Content, AES-128-GCM, random 96-bit IV, no KeyInfo: the key is the one the
 * message's security context token implies) under a key derived from the proof key,
 * HKDF-SHA256(salt = none, IKM = proof key, info = {@value #BODY_KEY_INFO}, {@value #BODY_KEY} bytes), so the
 * HMAC key never encrypts.
 *
 * <p>Encrypt, then sign: the sender encrypts before {@link SctSigner} signs, so the signature's Body digest is over
 * the ciphertext (an unkeyed digest of a short plaintext Body, such as {@code <GetStatus/>}, would let an eavesdropper
 * confirm guesses). The receiver checks the signature first ({@link SctVerifier}) and decrypts afterwards, so nothing
 * unauthenticated is decrypted. Symmetric only: one HKDF per token and one AES-GCM operation per message.
 */
public final class SctBodyCipher {

    public static final String BODY_KEY_INFO = "trusthub wss body key";
    public static final int BODY_KEY = 16;
    static final String XENC = "http://www.w3.org/2001/04/xmlenc#";
    private static final String CONTENT = XENC + "Content";

    private SctBodyCipher() {
    }

    /** The Body encryption key of a proof key (one HKDF); the caller wipes it. */
    public static byte[] bodyKey(byte[] proofKey) {
        return hkdf(new byte[0], proofKey, BODY_KEY_INFO.getBytes(StandardCharsets.US_ASCII), BODY_KEY);
    }

    /** RFC 5869 HKDF with SHA-256; an empty salt stands for HashLen zero bytes. */
    static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
            byte[] prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            Arrays.fill(prk, (byte) 0);
            byte[] out = new byte[length];
            byte[] t = new byte[0];
            for (int i = 1, off = 0; off < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                t = mac.doFinal();
                System.arraycopy(t, 0, out, off, Math.min(t.length, length - off));
                off += t.length;
            }
            Arrays.fill(t, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no HMAC-SHA256", e);
        }
    }

    /** Whether the Body carries encrypted data (whether this class's shape or not: {@link #decrypt} decides). */
    public static boolean isEncrypted(Document envelope) throws WsSecurityException {
        return Soap.of(envelope).body.getElementsByTagNameNS(XENC, "EncryptedData").getLength() > 0;
    }

    /** Whether the Body has content (an element or text): an empty Body has nothing to encrypt. */
    public static boolean hasContent(Document envelope) throws WsSecurityException {
        Element body = Soap.of(envelope).body;
        for (Node n = body.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE || n.getNodeType() == Node.TEXT_NODE
                    && !n.getNodeValue().isBlank() || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                return true;
            }
        }
        return false;
    }

    /**
     * Replaces the Body's content with its encryption under {@code bodyKey}. Call before signing. An empty Body (a
     * WS-Transfer Get) stays as it is: there is nothing to hide.
     *
     * @return whether the Body was encrypted (false: it was empty)
     * @throws WsSecurityException if the envelope is not SOAP 1.2 or already has a security header
     */
    public static boolean encrypt(Document envelope, byte[] bodyKey) throws WsSecurityException {
        Soap soap = Soap.of(envelope);
        if (soap.security().isPresent()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY,
                    "encrypt the Body before the message is signed (it already has a wsse:Security header)");
        }
        if (!hasContent(envelope)) {
            return false;
        }
        Soap.declareNamespaces(soap.body);
        try {
            org.apache.xml.security.Init.init();
            XMLCipher cipher = XMLCipher.getInstance(XMLCipher.AES_128_GCM);
            cipher.init(XMLCipher.ENCRYPT_MODE, new SecretKeySpec(bodyKey, "AES"));
            cipher.doFinal(envelope, soap.body, true);
            return true;
        } catch (Exception e) {
            throw new WsSecurityException(Fault.FAILED_CHECK, "the Body could not be encrypted");
        }
    }

    /**
     * Decrypts the Body in place: it must hold exactly one {@code xenc:EncryptedData} of Type Content with AES-128-GCM
     * and nothing else. Call after the signature was checked.
     *
     * @throws WsSecurityException FAILED_CHECK when the data does not decrypt under this key (another key, tampered),
     *         UNSUPPORTED_ALGORITHM for another algorithm, INVALID_SECURITY for another shape
     */
    public static void decrypt(Document envelope, byte[] bodyKey) throws WsSecurityException {
        Soap soap = Soap.of(envelope);
        List<Element> children = Soap.children(soap.body);
        for (Node n = soap.body.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.TEXT_NODE && !n.getNodeValue().isBlank()) {
                children = List.of();
            }
        }
        if (children.size() != 1 || !Soap.is(children.get(0), XENC, "EncryptedData")
                || !CONTENT.equals(children.get(0).getAttribute("Type"))) {
            throw new WsSecurityException(Fault.INVALID_SECURITY,
                    "the Body must hold exactly one xenc:EncryptedData of Type Content and nothing else");
        }
        Element data = children.get(0);
        List<Element> method = Soap.children(data, XENC, "EncryptionMethod");
        if (method.size() != 1 || !XMLCipher.AES_128_GCM.equals(method.get(0).getAttribute("Algorithm"))) {
            throw new WsSecurityException(Fault.UNSUPPORTED_ALGORITHM,
                    "only AES-128-GCM encrypts a Body under a security context token");
        }
        try {
            org.apache.xml.security.Init.init();
            XMLCipher cipher = XMLCipher.getInstance(XMLCipher.AES_128_GCM);
            cipher.setSecureValidation(true);
            cipher.init(XMLCipher.DECRYPT_MODE, new SecretKeySpec(bodyKey, "AES"));
            cipher.doFinal(envelope, data);
        } catch (Exception e) {
            // The GCM tag failed (another key, altered ciphertext) or the plaintext is not XML content.
            throw new WsSecurityException(Fault.FAILED_CHECK,
                    "the Body does not decrypt under the security context token's key");
        }
    }
}
