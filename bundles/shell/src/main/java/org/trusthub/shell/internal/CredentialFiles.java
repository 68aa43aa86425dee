package org.trusthub.shell.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;

import org.apache.karaf.shell.support.CommandException;
import org.trusthub.api.keystore.RootCredential;

/**
 * Reads and writes root credential files. Error messages name the file and what is wrong with it, never its
 * content; secret bytes are wiped once handed to the keystore's types.
 */
final class CredentialFiles {

    /** Generated root secrets are this long, in bytes. */
    static final int GENERATED_SECRET_LENGTH = 32;
    // No credential file is anywhere near this big; refuse before reading a device or a huge file.
    private static final long MAX_FILE_SIZE = 64 * 1024;

    private CredentialFiles() {
    }

    /**
     * A root secret from a file: hex text (32 to 128 hex digits, surrounding white space ignored) or 16 to 64 raw
     * bytes. A file that is all hex digits is always read as hex, so a short hex secret is refused rather than
     * taken as raw text.
     */
    static RootCredential.Secret readSecret(Path file) throws CommandException {
        byte[] content = read(file, "secret file");
        byte[] secret = null;
        try {
            String text = new String(content, StandardCharsets.ISO_8859_1).strip();
            if (!text.isEmpty() && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                if (text.length() % 2 != 0 || text.length() < 2 * RootCredential.MIN_SECRET_LENGTH
                        || text.length() > 2 * RootCredential.MAX_SECRET_LENGTH) {
                    throw TrustHubAction.error("secret file " + file + " holds " + text.length()
                            + " hex digits; a root secret is " + 2 * RootCredential.MIN_SECRET_LENGTH + " to "
                            + 2 * RootCredential.MAX_SECRET_LENGTH + " hex digits (an even number)");
                }
                secret = HexFormat.of().parseHex(text);
            } else {
                if (content.length < RootCredential.MIN_SECRET_LENGTH
                        || content.length > RootCredential.MAX_SECRET_LENGTH) {
                    throw TrustHubAction.error("secret file " + file + " holds " + content.length
                            + " bytes that are not hex text; a raw root secret is "
                            + RootCredential.MIN_SECRET_LENGTH + " to " + RootCredential.MAX_SECRET_LENGTH + " bytes");
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

    /** A root certificate from a PEM or DER file; it must carry an EC P-256 public key. */
    static RootCredential.Certificate readCertificate(Path file) throws CommandException {
        X509Certificate certificate = readX509(file);
        if (!(certificate.getPublicKey() instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
            throw TrustHubAction.error("certificate in " + file + " has a " + describeKey(certificate)
                    + " key; a root certificate needs an EC P-256 key");
        }
        return RootCredential.certificate(certificate);
    }

    /** Any X.509 certificate from a PEM or DER file (trust anchors may carry any key). */
    static X509Certificate readX509(Path file) throws CommandException {
        byte[] content = read(file, "certificate file");
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(content));
        } catch (CertificateException | ClassCastException e) {
            throw TrustHubAction.error("certificate file " + file + " is not a PEM or DER X.509 certificate");
        }
    }

    /**
     * Generates a root secret and writes it as hex to a new owner-only (0600) file, which must not exist.
     * Returns the secret; the caller deletes the file if the thing is not enrolled after all.
     */
    static RootCredential.Secret generateSecret(Path file, SecureRandom random) throws CommandException {
        byte[] secret = new byte[GENERATED_SECRET_LENGTH];
        byte[] hex = null;
        try {
            random.nextBytes(secret);
            hex = (HexFormat.of().formatHex(secret) + "\n").getBytes(StandardCharsets.US_ASCII);
            // CREATE_NEW is atomic: an existing file (or a link planted in its place) is never overwritten.
            try (SeekableByteChannel channel = Files.newByteChannel(file,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                ByteBuffer buffer = ByteBuffer.wrap(hex);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (FileAlreadyExistsException e) {
                throw TrustHubAction.error("file " + file + " already exists; refusing to overwrite it");
            } catch (UnsupportedOperationException e) {
                throw TrustHubAction.error("cannot create " + file
                        + " with owner-only permissions: its file system has no POSIX permissions");
            } catch (IOException e) {
                deleteQuietly(file);
                throw TrustHubAction.error("cannot write " + file + ": " + e.getClass().getSimpleName());
            }
            return RootCredential.secret(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
            if (hex != null) {
                Arrays.fill(hex, (byte) 0);
            }
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Nothing more to do: the error the caller reports matters more.
        }
    }

    private static byte[] read(Path file, String what) throws CommandException {
        try {
            if (!Files.isRegularFile(file)) {
                throw TrustHubAction.error(what + " " + file
                        + (Files.exists(file) ? " is not a regular file" : " does not exist"));
            }
            long size = Files.size(file);
            if (size > MAX_FILE_SIZE) {
                throw TrustHubAction.error(what + " " + file + " is " + size + " bytes, too large for a credential");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw TrustHubAction.error(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw TrustHubAction.error("cannot read " + what + " " + file + ": " + e.getClass().getSimpleName());
        }
    }

    private static boolean isP256(ECParameterSpec params) {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec p256 = p.getParameterSpec(ECParameterSpec.class);
            return params.getCurve().equals(p256.getCurve()) && params.getGenerator().equals(p256.getGenerator())
                    && params.getOrder().equals(p256.getOrder()) && params.getCofactor() == p256.getCofactor();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM does not know the P-256 curve", e);
        }
    }

    private static String describeKey(X509Certificate certificate) {
        var key = certificate.getPublicKey();
        if (key instanceof ECPublicKey ec) {
            return "EC (" + ec.getParams().getCurve().getField().getFieldSize() + "-bit, not P-256)";
        }
        return key.getAlgorithm();
    }
}
