package org.trusthub.binding.mqtt.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.security.auth.x500.X500Principal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.ThingKeys;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;

/**
 * The broker's view of who may connect and where they may publish, written by the hub into the broker's directory:
 * <ul>
 * <li>{@value #PSK_FILE}: {@code <thing id>:<hex PSK>} for each thing that may connect ({@link MqttPsk}), owner-only
 * (0600), the broker's {@code psk_file};</li>
 * <li>{@value #ACL_FILE}: the hub may read and write everything under the topic root; each thing may publish its own
 * values and read its own commands, nothing else; the broker's {@code acl_file};</li>
 * <li>{@value #HUB_CERT}: the hub's certificate (PEM), the {@code cafile} of the broker's certificate listener, so it
 * knows the hub by the certificate the keystore holds.</li>
 * </ul>
 * Each file is replaced whole (written to a new file aside that no link can redirect, then moved over), then the
 * broker is asked to reload them: a SIGHUP to the process in the configured pid file, once it is known to be
 * mosquitto.
 */
final class BrokerCredentials {

    static final String PSK_FILE = "psk";
    static final String ACL_FILE = "acl";
    static final String HUB_CERT = "hub.crt";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerCredentials.class);
    private static final Pattern PID = Pattern.compile("[1-9][0-9]{0,9}");
    // What a psk line (IDENTITY:HEX), an acl "user" line and one MQTT topic level all carry unchanged: no ':', '+',
    // '#', '/', whitespace or control characters. ThingId allows ':', which would split a psk line.
    private static final Pattern CARRIED = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private final Path directory;
    private final Optional<Path> pidFile;
    private final ThingKeys keys;
    private final Topics topics;
    private final AtomicLong uncarried = new AtomicLong();
    // Config-driven, but a sync every few seconds would repeat it: at most 5 a minute per text.
    private final LogLimiter limiter = new LogLimiter(Duration.ofMinutes(1), 5);
    // What the last write put in the files, and why a revoke could not reach the running broker (empty: it did).
    private Set<ThingId> lastWritten;
    private volatile String notRevoked = "";

    BrokerCredentials(Path directory, Optional<Path> pidFile, ThingKeys keys, Topics topics) {
        this.directory = directory;
        this.pidFile = pidFile;
        this.keys = keys;
        this.topics = topics;
    }

    Path directory() {
        return directory;
    }

    /** Whether the broker's files and MQTT topic levels can carry this thing id unchanged. */
    static boolean carries(ThingId thing) {
        return CARRIED.matcher(thing.value()).matches();
    }

    /** Why a thing id cannot be served over MQTT, for messages. */
    static String uncarriedMessage(ThingId thing) {
        return "thing " + thing + " cannot be served over MQTT: the broker's psk and acl files and MQTT topic levels "
                + "carry only thing ids of a-z, 0-9, '.', '_' and '-' (no ':')";
    }

    /**
     * Why credentials removed from the files are still valid at the running broker (it could not be told to reload),
     * or empty when every revoke reached it.
     */
    String notRevoked() {
        return notRevoked;
    }

    /** How many times a thing's credentials were left out because its id cannot be carried. */
    long uncarried() {
        return uncarried.get();
    }

    /**
     * Writes the credentials of exactly these things (the rest lose theirs) and the hub's certificate, then asks
     * the broker to reload.
     *
     * @return the things whose credentials were written: a thing whose keys are gone is left out
     * @throws IOException when a file cannot be written; the files already there stay as they were
     */
    Set<ThingId> write(Collection<ThingId> things, X509Certificate hub) throws IOException {
        ensureDirectory();
        Set<ThingId> written = new LinkedHashSet<>();
        StringBuilder psk = new StringBuilder();
        StringBuilder acl = new StringBuilder();
        String hubUser = commonName(hub);
        acl.append("# written by the trusthub MQTT binding: replaced whole whenever a thing comes or goes\n");
        acl.append("user ").append(hubUser).append('\n');
        acl.append("topic readwrite ").append(topics.root()).append("/#\n");
        for (ThingId thing : things) {
            if (!carries(thing)) {
                uncarried.incrementAndGet();
                LOG.warn("MQTT credentials not written: {}", uncarriedMessage(thing));
                continue;
            }
            char[] hex;
            try {
                hex = MqttPsk.hex(keys, thing);
            } catch (UnknownThingException | KeystoreException e) {
                LOG.warn("MQTT credentials of {} not written: {}", thing, e.getClass().getSimpleName());
                continue;
            }
            psk.append(thing.value()).append(':').append(hex).append('\n');
            Arrays.fill(hex, '\0');
            acl.append("\nuser ").append(thing.value()).append('\n');
            acl.append("topic write ").append(topics.values(thing)).append('\n');
            acl.append("topic read ").append(topics.values(thing)).append('/').append(Topics.COMMAND).append('\n');
            written.add(thing);
        }
        try {
            replace(PSK_FILE, psk);
        } finally {
            // the key text must not outlive the file write
            psk.setLength(0);
            psk.trimToSize();
        }
        replace(ACL_FILE, acl);
        replace(HUB_CERT, new StringBuilder(pem(hub)));
        Optional<String> failed = reload();
        Set<ThingId> revoked = new LinkedHashSet<>(lastWritten == null ? Set.of() : lastWritten);
        revoked.removeAll(written);
        lastWritten = Set.copyOf(written);
        if (failed.isEmpty()) {
            notRevoked = "";
        } else if (!revoked.isEmpty()) {
            notRevoked = "credentials NOT revoked at the broker: " + failed.get() + " (" + revoked.stream()
                    .map(ThingId::value).sorted().collect(Collectors.joining(", ")) + " can still connect until it "
                    + "reloads)";
            limiter.admit(notRevoked).ifPresent(left -> LOG.warn("MQTT {}; {} like it not logged before", notRevoked,
                    left));
        }
        return written;
    }

    private void replace(String name, CharSequence content) throws IOException {
        Path target = directory.resolve(name);
        Path aside = directory.resolve("." + name + ".new");
        // removes a link itself, never what it points to
        Files.deleteIfExists(aside);
        writeNew(aside, content);
        // rename(2) replaces the name, even a link there, and never writes through it
        Files.move(aside, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Creates {@code file} owner-only and writes {@code content} (ASCII) to it. The file must not exist, and a link
     * put there meanwhile is never followed: the open fails instead, so nothing outside the directory is written.
     */
    static void writeNew(Path file, CharSequence content) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        ByteBuffer bytes = StandardCharsets.US_ASCII.encode(CharBuffer.wrap(content));
        try (FileChannel channel = open(file, options)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        } finally {
            // the psk text must not outlive the write
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
    }

    private static FileChannel open(Path file, Set<OpenOption> options) throws IOException {
        try {
            return FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException notPosix) {
            return FileChannel.open(file, options);
        }
    }

    /** The directory, made owner-only (0700) when the binding is the one that creates it. */
    private void ensureDirectory() throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectory(directory);
        }
    }

    /**
     * Sends the broker a SIGHUP (mosquitto reloads its psk_file and acl_file on it).
     *
     * @return why the broker could not be told, or empty when it was
     */
    private Optional<String> reload() {
        if (pidFile.isEmpty()) {
            LOG.debug("MQTT broker files written to {}; no brokerPidFile configured", directory);
            return Optional.of("no brokerPidFile");
        }
        String why;
        try {
            String pid = Files.readString(pidFile.get(), StandardCharsets.US_ASCII).strip();
            Optional<String> notBroker = PID.matcher(pid).matches() ? notMosquitto(pid) : Optional.empty();
            if (!PID.matcher(pid).matches()) {
                why = pidFile.get() + " holds no process id";
            } else if (notBroker.isPresent()) {
                why = "process " + pid + " named in " + pidFile.get() + " is not mosquitto (" + notBroker.get()
                        + "), not signalled";
            } else {
                Process kill = new ProcessBuilder("kill", "-HUP", pid).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                    return Optional.empty();
                }
                kill.destroyForcibly();
                why = "the broker (pid " + pid + ") could not be signalled";
            }
        } catch (IOException e) {
            why = "cannot read " + pidFile.get() + " (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        String text = why;
        limiter.admit("reload " + text).ifPresent(left -> LOG.warn("MQTT broker not reloaded: {}; {} like it not "
                + "logged before", text, left));
        return Optional.of(text);
    }

    /**
     * Whether the process is mosquitto, by its executable ({@code /proc/PID/exe}) or, where that link is not readable
     * (another user's process), by its name ({@code /proc/PID/comm}): a stale or planted pid file must not make the
     * hub signal some other process.
     *
     * @return what the process is instead, or empty when it is mosquitto
     */
    static Optional<String> notMosquitto(String pid) {
        Path proc = Path.of("/proc", pid);
        try {
            Path exe = Files.readSymbolicLink(proc.resolve("exe"));
            String name = exe.getFileName() == null ? "" : exe.getFileName().toString();
            return name.equals("mosquitto") ? Optional.empty() : Optional.of("executable " + name);
        } catch (IOException | UnsupportedOperationException | SecurityException exeUnreadable) {
            try {
                String comm = Files.readString(proc.resolve("comm"), StandardCharsets.US_ASCII).strip();
                return comm.equals("mosquitto") ? Optional.empty()
                        : Optional.of(comm.isEmpty() ? "no name" : "name " + comm.replaceAll("[^A-Za-z0-9._-]", "?"));
            } catch (IOException e) {
                return Optional.of("no such process");
            }
        }
    }

    /** The name the broker gives the hub: the CN of its certificate (use_identity_as_username). */
    static String commonName(X509Certificate certificate) {
        String dn = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (String rdn : dn.split(",")) {
            if (rdn.startsWith("CN=")) {
                return rdn.substring(3);
            }
        }
        throw new IllegalArgumentException("the hub certificate has no CN");
    }

    static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the hub certificate", e);
        }
    }
}
