package ${package}.it;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.trusthub.api.binding.ProtocolBinding;

/**
 * Boots the trusthub distribution given by {@code -Dtrusthub.distribution}, installs feature
 * {@code trusthub-${bindingName}} from this build and finds the binding registered and its console command working.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ${bindingClass}FeatureIT {

    @Inject
    @Filter(value = "(" + ProtocolBinding.PROTOCOL + "=${bindingName})", timeout = 60_000)
    ProtocolBinding binding;

    @Inject
    SessionFactory sessions;

    @Configuration
    public Option[] config() {
        String karafVersion = System.getProperty("trusthub.karafVersion");
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(new File(System.getProperty("trusthub.distribution")).toURI().toString())
                    .karafVersion(karafVersion).name("trusthub hub").unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            // Pax Exam's own bundles come from the local repository.
            // The hub's own repositories (its system/ folder holds the trusthub features) and, after them, the
            // bundle this build made.
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.defaultRepositories",
                    "file:${karaf.home}/${karaf.default.repository}@id=system.repository@snapshots,"
                            + "file:${karaf.data}/kar@id=kar.repository@multi@snapshots,"
                            + bundleRepository() + "@id=binding@snapshots"),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                    System.getProperty("trusthub.localRepository")),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
            features(new File(System.getProperty("binding.feature")).toURI().toString(), "trusthub-${bindingName}"),
            // bin/karaf passes these on Java 9+; Pax Exam starts the JVM itself and does not.
            vmOptions("--add-reads=java.xml=java.logging",
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
                    "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.sasl/com.sun.security.sasl=ALL-UNNAMED",
                    "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED") };
    }

    @Test
    public void theFeatureInstallsAndTheBindingServes() throws Exception {
        assertTrue(binding.things().isEmpty());
        String out = run("trusthub:${bindingName}-status");
        assertTrue(out, out.contains("${bindingName} binding: 0 thing(s)"));
    }

    private String run(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessions.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute(command);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Lays the jar this build made out as a Maven repository, so the feature's mvn: URL finds it before install. */
    private static String bundleRepository() {
        try {
            Path jar = Path.of(System.getProperty("binding.bundle"));
            Path repo = Path.of("target", "it-bundles").toAbsolutePath();
            Path dir = repo.resolve("${groupId}".replace('.', '/')).resolve("${artifactId}").resolve("${version}");
            Files.createDirectories(dir);
            Files.copy(jar, dir.resolve("${artifactId}-${version}.jar"), StandardCopyOption.REPLACE_EXISTING);
            return repo.toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
