package org.trusthub.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.KarafDistributionOption;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.trusthub.testkit.Await;
import org.trusthub.testkit.FreePorts;

/** How every test boots the hub: the distribution this build made, with nothing but test plumbing changed. */
public final class HubOptions {

    private HubOptions() {
    }

    /** The Pax Exam options that boot the hub distribution, plus the given ones. */
    public static Option[] hub(Option... extra) {
        String distribution = required("trusthub.distribution");
        String karafVersion = required("trusthub.karafVersion");
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(new File(distribution).toURI().toString())
                        .karafVersion(karafVersion)
                        .name("trusthub hub")
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                // The tests drive the console through SessionFactory: no local console, no SSH server.
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                // Pax Exam appends its own features (the remote bundle context) to the hub's boot features. In one
                // stage, the probe could be installed while Karaf was still resolving the hub's bundles, and Karaf's
                // resolver hook refused it ("Bundle cannot be installed"); the hub's own stage now completes first.
                editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "featuresBoot",
                        "(" + bootFeatures(new File(distribution)) + ")"),
                logLevel(Boolean.getBoolean("trusthub.itest.keep") ? LogLevel.INFO : LogLevel.WARN),
                // bin/karaf passes these on Java 9+; Pax Exam starts the JVM itself and does not.
                CoreOptions.vmOptions(
                        "--add-reads=java.xml=java.logging",
                        "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                        "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
                        "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
                        "--add-opens", "java.base/java.security=ALL-UNNAMED",
                        "--add-opens", "java.base/java.net=ALL-UNNAMED",
                        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                        "--add-opens", "java.base/java.util=ALL-UNNAMED",
                        "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                        "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
                        "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
                        "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
                        "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                        "--add-exports=java.security.sasl/com.sun.security.sasl=ALL-UNNAMED",
                        "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED"),
                // A hub already running on this machine (./hub) holds the default ports.
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(FreePorts.tcp())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(FreePorts.tcp())),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(FreePorts.tcp())),
                // Pax Exam's own bundles come from the local repository this build uses; nothing from the network.
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        required("trusthub.localRepository")),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
                systemProperty("trusthub.itest").value("true"),
                // The tests' probe waits with the testkit's Await inside the container too.
                CoreOptions.bundle(testkit())));
        if (Boolean.getBoolean("trusthub.itest.keep")) {
            // -Dtrusthub.itest.keep=true keeps target/exam/<uuid> (karaf.log) for a look after the run.
            options.add(KarafDistributionOption.keepRuntimeFolder());
        }
        options.addAll(Arrays.asList(extra));
        return options.toArray(new Option[0]);
    }

    /** The testkit jar this build made, from the driver's class path (it is in no feature of the hub). */
    static String testkit() {
        try {
            File jar = new File(Await.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!jar.isFile()) {
                throw new IllegalStateException("the testkit is not a jar but " + jar + ": run the integration tests "
                        + "through Maven's verify (./mvnw verify), which packages it first");
            }
            return jar.toURI().toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the testkit jar", e);
        }
    }

    /** The distribution's own featuresBoot, read from etc/org.apache.karaf.features.cfg inside its tar.gz. */
    static String bootFeatures(File distribution) {
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(new java.io.BufferedInputStream(
                new java.io.FileInputStream(distribution)))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = tarString(header, 345, 155) + tarString(header, 0, 100);
                long size = Long.parseLong(tarString(header, 124, 12).trim(), 8);
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (name.endsWith("/etc/org.apache.karaf.features.cfg")) {
                    java.util.Properties p = new java.util.Properties();
                    p.load(new java.io.ByteArrayInputStream(body));
                    String boot = p.getProperty("featuresBoot");
                    if (boot == null || boot.isBlank() || boot.contains("(")) {
                        throw new IllegalStateException("unexpected featuresBoot in " + distribution + ": " + boot);
                    }
                    return boot.trim();
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + distribution, e);
        }
        throw new IllegalStateException(distribution + " has no etc/org.apache.karaf.features.cfg");
    }

    private static String tarString(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run the tests through "
                    + "Maven (./mvnw verify), which sets it");
        }
        return value;
    }
}
