package org.trusthub.shell.internal;

import java.nio.file.Path;
import java.security.SecureRandom;

import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingRegistry;

/**
 * The credential options enroll and re-commission share: exactly one of a secret file, a certificate file, or a
 * secret to generate into a new file. The secret itself is never printed.
 */
public abstract class CredentialAction extends TrustHubAction {

    @Reference
    ThingRegistry registry;

    @Option(name = "--secret-file", description = "File with the root secret: hex text, or 16 to 64 raw bytes")
    @Completion(FileCompleter.class)
    String secretFile;

    @Option(name = "--certificate", description = "PEM or DER X.509 certificate with the thing's EC P-256 key")
    @Completion(FileCompleter.class)
    String certificate;

    @Option(name = "--generate-secret", description = "Generate a 32-byte root secret and write it as hex to this "
            + "new file (mode 0600); an existing file is never overwritten")
    @Completion(FileCompleter.class)
    String generateSecret;

    /** Source of generated secrets; tests may replace it. */
    SecureRandom random;

    /** The file a generated secret went to, once the thing holds it. */
    private Path writtenSecretFile;

    /**
     * Reads (or generates) the credential, hands it to {@code use} and wipes it. A generated file is removed again
     * when {@code use} fails, so a refused call leaves nothing behind.
     */
    protected Thing withCredential(CredentialUse use) throws Exception {
        int given = (secretFile != null ? 1 : 0) + (certificate != null ? 1 : 0) + (generateSecret != null ? 1 : 0);
        if (given != 1) {
            throw error("give exactly one of --secret-file, --certificate, --generate-secret");
        }
        RootCredential credential;
        Path generated = null;
        if (secretFile != null) {
            credential = CredentialFiles.readSecret(Path.of(secretFile));
        } else if (certificate != null) {
            credential = CredentialFiles.readCertificate(Path.of(certificate));
        } else {
            generated = Path.of(generateSecret);
            credential = CredentialFiles.generateSecret(generated, random != null ? random : new SecureRandom());
        }
        try {
            Thing thing = use.apply(credential);
            writtenSecretFile = generated;
            return thing;
        } catch (RuntimeException | CommandException e) {
            if (generated != null) {
                CredentialFiles.deleteQuietly(generated);
            }
            throw e;
        } finally {
            if (credential instanceof RootCredential.Secret secret) {
                secret.destroy();
            }
        }
    }

    /** Tells where a generated secret went (never the secret). */
    protected void printSecretNote() {
        if (writtenSecretFile != null) {
            out().println("Root secret written to " + writtenSecretFile + " (hex, mode 0600): keep it safe");
        }
    }

    @FunctionalInterface
    protected interface CredentialUse {
        Thing apply(RootCredential credential) throws CommandException;
    }
}
