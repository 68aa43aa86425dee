package org.trusthub.binding.mqtt.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.trusthub.testkit.Await;
import org.trusthub.testkit.FreePorts;

/**
 * Debian's mosquitto as the MQTT binding's real broker, on loopback: a TLS listener for the hub (client certificate
 * required, checked against the {@code hub.crt} the binding writes; the broker's own certificate from a test CA made
 * here with Bouncy Castle, for 127.0.0.1) and a TLS-PSK listener for things, both taking the identity as user name,
 * with the {@code psk} and {@code acl} files the binding writes. {@code mosquitto_pub} and {@code mosquitto_sub} are
 * the things.
 */
public final class MosquittoBroker implements AutoCloseable {

    private final Path dir;
    private final int hubPort;
    private final int thingPort;
    private final Process process;

    private MosquittoBroker(Path dir, int hubPort, int thingPort, Process process) {
        this.dir = dir;
        this.hubPort = hubPort;
        this.thingPort = thingPort;
        this.process = process;
    }

    /**
     * Makes the test CA ({@link #caFile}) and the broker's certificate in {@code dir}. Call before {@link #start}; the
     * hub must trust the CA (a keystore anchor for tls) to connect.
     */
    public static X509Certificate makeCertificates(Path dir) throws Exception {
        Files.createDirectories(dir);
        KeyPair ca = ecKeyPair();
        X500Name caName = new X500Name("CN=trusthub test broker CA");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))), caName,
                ca.getPublic());
        caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCert = sign(caBuilder, ca.getPrivate());

        KeyPair broker = ecKeyPair();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))),
                new X500Name("CN=mosquitto"), broker.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate brokerCert = sign(b, ca.getPrivate());

        pem(dir.resolve("ca.crt"), caCert);
        pem(dir.resolve("broker.crt"), brokerCert);
        // PKCS#8, which OpenSSL reads whatever the key type
        Files.writeString(dir.resolve("broker.key"), "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(
                        broker.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        return caCert;
    }

    /** The test CA's certificate (PEM), as {@link #makeCertificates} wrote it. */
    public static Path caFile(Path dir) {
        return dir.resolve("ca.crt");
    }

    /**
     * Starts mosquitto on two free loopback ports with the files in {@code dir}: the certificates
     * {@link #makeCertificates} made, and {@code hub.crt}, {@code psk}, {@code acl} as the binding wrote them. Its
     * pid goes to {@code mosquitto.pid} there, for the binding's reload signal.
     */
    public static MosquittoBroker start(Path dir) throws Exception {
        return start(dir, FreePorts.tcp());
    }

    /** As {@link #start(Path)}, with the hub's port given (the hub's configuration names it first). */
    public static MosquittoBroker start(Path dir, int hubPort) throws Exception {
        int thingPort = FreePorts.tcp();
        String conf = String.join("\n",
                // As root mosquitto would switch to the mosquitto user, which cannot read the owner-only files.
                "user root",
                "per_listener_settings false",
                "allow_anonymous false",
                "persistence false",
                "log_dest stderr",
                // all: the ACL's "Denied PUBLISH" lines are debug
                "log_type all",
                "psk_file " + dir.resolve("psk"),
                "acl_file " + dir.resolve("acl"),
                "listener " + hubPort + " 127.0.0.1",
                "cafile " + dir.resolve("hub.crt"),
                "certfile " + dir.resolve("broker.crt"),
                "keyfile " + dir.resolve("broker.key"),
                "require_certificate true",
                "use_identity_as_username true",
                "listener " + thingPort + " 127.0.0.1",
                "psk_hint trusthub",
                "use_identity_as_username true",
                "");
        Path confFile = dir.resolve("mosquitto.conf");
        Files.writeString(confFile, conf, StandardCharsets.US_ASCII);
        String mosquitto = Files.isExecutable(Path.of("/usr/sbin/mosquitto")) ? "/usr/sbin/mosquitto" : "mosquitto";
        Process p = new ProcessBuilder(mosquitto, "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        Files.writeString(dir.resolve("mosquitto.pid"), Long.toString(p.pid()), StandardCharsets.US_ASCII);
        MosquittoBroker broker = new MosquittoBroker(dir, hubPort, thingPort, p);
        try {
            Await.until("mosquitto to listen on " + hubPort + " and " + thingPort, Await.DEFAULT_TIMEOUT,
                    () -> p.isAlive() ? listening(hubPort) && listening(thingPort) : fail(broker), up -> up);
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private static boolean fail(MosquittoBroker broker) throws IOException {
        throw new IllegalStateException("mosquitto exited: " + broker.log());
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int hubPort() {
        return hubPort;
    }

    public int thingPort() {
        return thingPort;
    }

    public Path pidFile() {
        return dir.resolve("mosquitto.pid");
    }

    /** What the broker logged so far. */
    public String log() throws IOException {
        Path log = dir.resolve("mosquitto.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /**
     * A thing publishes once with {@code mosquitto_pub} over TLS-PSK.
     *
     * @return mosquitto_pub's exit code and output
     */
    public Result publish(String identity, String hexKey, String topic, String message) throws Exception {
        return publish(identity, hexKey, topic, message, false);
    }

    /** As {@link #publish(String, String, String, String)}, retained on the broker when {@code retain}. */
    public Result publish(String identity, String hexKey, String topic, String message, boolean retain)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                Integer.toString(thingPort), "--psk", hexKey, "--psk-identity", identity, "-q", "1", "-t", topic,
                "-m", message));
        if (retain) {
            command.add("-r");
        }
        return run(command);
    }

    /**
     * A thing waits for one message on a topic with {@code mosquitto_sub} over TLS-PSK, for at most the given time.
     */
    public Process subscribe(String identity, String hexKey, String topic) throws IOException {
        return new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", Integer.toString(thingPort), "--psk",
                hexKey, "--psk-identity", identity, "-q", "1", "-t", topic, "-C", "1", "-W", "30")
                .redirectErrorStream(true).start();
    }

    /** Exit code and output of a client run. */
    public record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " did not finish in 30 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static void pem(Path file, Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(object);
        }
        Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
    }
}
