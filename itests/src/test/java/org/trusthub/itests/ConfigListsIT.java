package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.trusthub.itests.DpwsWire.tryRun;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.service.cm.ConfigurationAdmin;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.testkit.Await;
import org.trusthub.testkit.FreePorts;

/**
 * Every list-valued setting of the shipped etc/org.trusthub.*.cfg files, written in the file the way its comments
 * show, reaches its component as several entries. Karaf's file install delivers a .cfg value as one String unless
 * every value of the file is typed ({@code ["a", "b"]}), so the settings are read as separated entries; the typed-list
 * text a user may still write is read too, and a bad WS-Security entry fails {@code trusthub:wss-policies}.
 * ({@code interfaces} needs network interfaces with the MULTICAST flag, which the container lacks; it is split by the
 * same code as {@code hostedThings}.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigListsIT {

    private static final String WSS = "org.trusthub.security.wss";
    private static final String DPWS = "org.trusthub.binding.dpws";
    private static final String STS = "org.trusthub.offload.dpws";
    private static final String OFFLOAD = "org.trusthub.offload";

    @Inject
    @Filter(timeout = 60_000)
    FeaturesService features;

    @Inject
    @Filter(timeout = 60_000)
    ThingRegistry registry;

    @Inject
    @Filter(timeout = 60_000)
    ConfigurationAdmin configAdmin;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return HubOptions.hub();
    }

    @Test
    public void listSettingsWrittenAsTheShippedFilesShowReachTheirComponents() throws Exception {
        features.installFeature("trusthub-offload-dpws", EnumSet.noneOf(FeaturesService.Option.class));
        for (String pid : List.of(WSS, DPWS, STS, OFFLOAD)) {
            FeatureConfigs.applied(configAdmin, pid);
        }
        for (String id : List.of("cfg-1", "cfg-2", "cfg-3")) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            ThingId thing = ThingId.of(id);
            registry.enroll(thing, "alice", RootCredential.secret(secret));
            registry.transition(thing, Transition.BOOTSTRAP);
            registry.transition(thing, Transition.ACTIVATE);
        }
        Shell shell = new Shell(sessionFactory);

        // defaultPolicy is a plain value, so file install delivers every value of this file as a String
        setInFile(WSS, "defaultPolicy", "sign,encrypt");
        setInFile(WSS, "thingPolicies", "cfg-1: plain; cfg-2: sign encrypt username ttl=60");
        setInFile(STS, "stsDevices", "cfg-1, cfg-2");
        setInFile(OFFLOAD, "signatureAlgorithms", "SHA256withECDSA, Ed25519");
        setInFile(DPWS, "discoveryPort", Integer.toString(FreePorts.udp()));
        setInFile(DPWS, "hostedThings", "cfg-1, cfg-2");
        setInFile(DPWS, "hostEnabled", "true");

        String policies = Await.nonNull("both policy entries", () -> {
            String out = tryRun(shell, "trusthub:wss-policies");
            return out != null && out.contains("cfg-2") ? out : null;
        });
        assertEquals(policies, "plain ttl=300", cell(policies, "cfg-1", 1));
        assertEquals(policies, "sign encrypt username ttl=60", cell(policies, "cfg-2", 1));

        String hosted = Await.nonNull("both hosted things", () -> {
            String out = tryRun(shell, "trusthub:dpws-hosted");
            return out != null && out.contains("cfg-1 ") && out.contains("cfg-2 ") ? out : null;
        });
        assertFalse("only the listed things are hosted:\n" + hosted, hosted.contains("cfg-3"));
        // stsDevices: the token service is offered on both listed devices
        String offered = Await.nonNull("offload-sts on both devices", () -> {
            String out = tryRun(shell, "trusthub:dpws-hosted");
            return out != null && out.lines().filter(l -> l.contains("offload-sts")).count() == 2 ? out : null;
        });
        assertTrue(offered, offered.lines().filter(l -> l.startsWith("cfg-1 ") || l.startsWith("cfg-2 "))
                .allMatch(l -> l.contains("offload-sts")));
        // signatureAlgorithms arrives as the one String the file holds; offload splits it (OffloadComponentTest)
        assertEquals("SHA256withECDSA, Ed25519",
                configAdmin.getConfiguration(OFFLOAD, "?").getProperties().get("signatureAlgorithms"));

        // the typed-list text, in a file with plain values, arrives as one String and is read as a list
        setInFile(WSS, "thingPolicies", "[\"cfg-1: sign\", \"cfg-3: plain\"]");
        policies = Await.nonNull("the typed-list entries", () -> {
            String out = tryRun(shell, "trusthub:wss-policies");
            return out != null && out.contains("cfg-3") ? out : null;
        });
        assertEquals(policies, "sign ttl=300", cell(policies, "cfg-1", 1));
        assertEquals(policies, "plain ttl=300", cell(policies, "cfg-3", 1));

        // a bad entry is refused visibly: the command fails naming it, and the thing gets sign,encrypt
        setInFile(WSS, "thingPolicies", "cfg-1: plain; cfg-2: sign shout");
        String refusal = Await.nonNull("the refusal", () -> {
            try {
                return shell.refused("trusthub:wss-policies");
            } catch (AssertionError notYet) {
                return null;
            }
        });
        assertTrue(refusal, refusal.contains("Error: 1 setting of org.trusthub.security.wss refused: "
                + "thingPolicies entry 'cfg-2: sign shout': unknown word 'shout'; cfg-2 gets sign,encrypt"));
    }

    /** A cell of the row that starts with {@code first} in an ascii table ({@code a | b | c}). */
    private static String cell(String table, String first, int column) {
        return table.lines().filter(l -> l.startsWith(first + " ")).findFirst()
                .map(l -> l.split("\\|")[column].strip()).orElseThrow(() -> new AssertionError(first + ":\n" + table));
    }

    /**
     * Writes {@code key = value} into etc/{@code pid}.cfg as an operator would (replacing the commented line the
     * shipped file has, if it has one), and waits until file install has handed the value to Config Admin. File
     * install also writes Config Admin's own updates back to the file a moment after a feature is installed; an edit
     * that lands just before such a write-back is lost, as an operator's would be, so the edit is made again (at most
     * three times) when the value has not arrived.
     */
    private void setInFile(String pid, String key, String value) throws Exception {
        for (int attempt = 1; ; attempt++) {
            writeInFile(pid, key, value);
            try {
                Await.until(pid + " " + key + " from the file (write " + attempt + " of 3)", Duration.ofSeconds(10),
                        () -> configAdmin.getConfiguration(pid, "?").getProperties().get(key),
                        v -> Objects.equals(v, value));
                return;
            } catch (AssertionError lost) {
                if (attempt == 3) {
                    throw lost;
                }
            }
        }
    }

    private static void writeInFile(String pid, String key, String value) throws Exception {
        Path file = Path.of(System.getProperty("karaf.etc"), pid + ".cfg");
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        String line = key + " = " + value;
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.matches("#?" + java.util.regex.Pattern.quote(key) + "\\s*=.*")) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            lines.add(line);
        } else {
            lines.set(at, line);
        }
        Path next = file.resolveSibling(pid + ".cfg.next");
        Files.write(next, lines, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
