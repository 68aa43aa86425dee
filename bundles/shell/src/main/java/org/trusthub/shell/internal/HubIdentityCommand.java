package org.trusthub.shell.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.trusthub.api.keystore.ThingKeyStore;

@Service
@Command(scope = "trusthub", name = "hub-identity",
        description = "Shows the hub's certificate: subject, SHA-256 fingerprint, validity (never the private key)",
        detailedDescription = "--pem FILE writes the certificate, --public-key FILE its public key "
                + "(SubjectPublicKeyInfo), each PEM to a new file; an existing file is never overwritten.")
public class HubIdentityCommand extends TrustHubAction {

    @Reference
    ThingKeyStore keyStore;

    @Option(name = "--pem", description = "Write the hub's certificate as PEM to this new file")
    @Completion(FileCompleter.class)
    String pemFile;

    @Option(name = "--public-key", description = "Write the hub's public key as PEM (SubjectPublicKeyInfo) to this "
            + "new file")
    @Completion(FileCompleter.class)
    String publicKeyFile;

    @Override
    protected void run() throws Exception {
        // Only the certificate is touched; the private key stays in the HubIdentity object.
        X509Certificate cert = keyStore.hubIdentity().certificate();
        Path pem = pemFile == null ? null : target(pemFile);
        Path publicKey = publicKeyFile == null ? null : target(publicKeyFile);
        if (pem != null && pem.equals(publicKey)) {
            throw error("--pem and --public-key name the same file " + pem);
        }
        // Files first: a refused command prints nothing and leaves no file behind.
        if (pem != null) {
            writePem(pem, "CERTIFICATE", cert.getEncoded());
        }
        if (publicKey != null) {
            try {
                writePem(publicKey, "PUBLIC KEY", cert.getPublicKey().getEncoded());
            } catch (CommandException e) {
                if (pem != null) {
                    CredentialFiles.deleteQuietly(pem);
                }
                throw e;
            }
        }
        PrintStream out = out();
        Formats.field(out, "Subject", cert.getSubjectX500Principal().getName());
        Formats.field(out, "Issuer", cert.getIssuerX500Principal().getName());
        Formats.field(out, "Serial", cert.getSerialNumber().toString(16));
        Formats.field(out, "SHA-256",
                Formats.fingerprint(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())));
        Formats.field(out, "Not before", Formats.time(cert.getNotBefore().toInstant()));
        Formats.field(out, "Not after", Formats.time(cert.getNotAfter().toInstant()));
        String key = cert.getPublicKey() instanceof ECPublicKey ec
                ? "EC " + ec.getParams().getCurve().getField().getFieldSize() + "-bit"
                : cert.getPublicKey().getAlgorithm();
        Formats.field(out, "Public key", key);
        if (pem != null) {
            out.println("Certificate written to " + pem + " (PEM)");
        }
        if (publicKey != null) {
            out.println("Public key written to " + publicKey + " (PEM, SubjectPublicKeyInfo)");
        }
    }

    /**
     * The file a name means, absolute: a relative name is taken from the hub's working directory (where it was
     * started, usually its installation directory), not from the directory an ssh or bin/client user is in, so the
     * output says where the file went.
     */
    private static Path target(String name) throws CommandException {
        try {
            return Path.of(name).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw error("'" + name + "' is not a file name: " + e.getReason());
        }
    }

    /**
     * Writes one PEM block (RFC 7468) to a file that must not exist yet. The file is created exclusively
     * (O_EXCL), so an existing file or symbolic link, even one pointing nowhere, is refused and never followed; a
     * write that fails half-way takes the file back.
     */
    private static void writePem(Path file, String label, byte[] der) throws CommandException {
        String pem = "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
        OutputStream out;
        try {
            out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw error("file " + file + " already exists; refusing to overwrite it");
        } catch (NoSuchFileException e) {
            throw error("cannot write " + file + ": its directory does not exist");
        } catch (IOException e) {
            throw error("cannot write " + file + ": " + e.getClass().getSimpleName());
        }
        // From here on the file is this command's own.
        try (out) {
            out.write(pem.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            CredentialFiles.deleteQuietly(file);
            throw error("cannot write " + file + ": " + e.getClass().getSimpleName());
        }
    }
}
