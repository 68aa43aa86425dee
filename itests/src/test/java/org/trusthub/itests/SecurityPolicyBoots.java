package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;

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
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;

/** The two boots of {@link SecurityPolicyIT}; run only from there, which hands them the shared directory. */
public final class SecurityPolicyBoots {

    static final String STATE = "trusthub.itest.securityPolicyState";
    /** The first boot's etc/ policy file, as Karaf wrote it. */
    static final String CFG = "org.trusthub.security.policy.cfg";
    static final ThingId LAMP = ThingId.of("it-sp-lamp");
    static final ThingId KEYPAD = ThingId.of("it-sp-keypad");
    static final String PROTECT = "protect it-sp-lamp coap in confidentiality";
    static final String READ = "read * it-sp-lamp on";

    private SecurityPolicyBoots() {
    }

    /** The hub (trusthub-core); the second boot starts from the etc/ policy file the first one left. */
    static Option[] options() {
        Path dir = TwoBoots.directory(STATE, "SecurityPolicyIT");
        List<Option> extra = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve(CFG))) {
            extra.add(replaceConfigurationFile("etc/" + CFG, dir.resolve(CFG).toFile()));
        }
        return TwoBoots.options(STATE, "SecurityPolicyIT", extra.toArray(Option[]::new));
    }

    abstract static class Boot {
        @Inject
        @Filter(timeout = 60_000)
        ThingRegistry registry;

        @Inject
        @Filter(timeout = 60_000)
        SecurityPolicy policy;

        @Inject
        @Filter(timeout = 60_000)
        ConfigurationAdmin configAdmin;

        @Inject
        @Filter(timeout = 60_000)
        SessionFactory sessionFactory;

        @org.ops4j.pax.exam.Configuration
        public Option[] configuration() {
            return options();
        }

        Path state() {
            return Path.of(System.getProperty(STATE));
        }

        /** The rules are in force: the lamp's CoAP traffic must be confidential, anyone may read its on/off. */
        void assertInForce() {
            assertEquals(Protection.confidentiality(), policy.inbound(LAMP, "coap"));
            assertEquals(Protection.NONE, policy.inbound(LAMP, "zigbee"));
            assertTrue(policy.mayRead(KEYPAD, LAMP, "on"));
            assertFalse(policy.mayRead(KEYPAD, LAMP, "level"));
            assertFalse(policy.mayWrite(KEYPAD, LAMP, "on"));
            assertFalse(policy.mayRequestToken(KEYPAD, LAMP, Set.of("on")));
        }

        /** The security status shows the lamp, operational, with its keys, and no secret. */
        void assertStatus(Shell shell) throws Exception {
            String status = shell.run("trusthub:security-status it-sp-lamp");
            assertTrue(status, status.contains("it-sp-lamp | OPERATIONAL |"));
            assertTrue(status, status.contains("| APPLICATION |"));
            assertEquals(status, 6, status.lines().filter(l -> !l.isBlank()).count());
        }
    }

    @RunWith(PaxExam.class)
    @ExamReactorStrategy(PerClass.class)
    public static class FirstBoot extends Boot {

        @Test
        public void rulesFromTheConsoleAndTheFileKarafWrote() throws Exception {
            FeatureConfigs.applied(configAdmin, "org.trusthub.security.policy");
            Shell shell = new Shell(sessionFactory);
            assertTrue(shell.awaitOutput("trusthub:policy-list", "No rules").contains("nothing authorized"));

            String added = shell.run("trusthub:policy-add " + PROTECT);
            assertTrue(added, added.contains("Added: " + PROTECT));
            added = shell.run("trusthub:policy-add read \"*\" it-sp-lamp on");
            assertTrue(added, added.contains("Added: " + READ));
            String refused = shell.refused("trusthub:policy-add protect it-sp-lamp coap in strong");
            assertTrue(refused, refused.contains("field 5 (protection): unknown protection level 'strong'"));
            assertEquals(PROTECT + "\n" + READ + "\n", shell.run("trusthub:policy-list").replace("\r", ""));
            assertInForce();

            byte[] root = new byte[32];
            new SecureRandom().nextBytes(root);
            registry.enroll(LAMP, "itest", RootCredential.secret(root));
            registry.transition(LAMP, Transition.BOOTSTRAP);
            registry.transition(LAMP, Transition.ACTIVATE);
            assertStatus(shell);

            Path cfg = Path.of(System.getProperty("karaf.etc"), CFG);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(cfg).contains(READ) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(Files.readString(cfg), Files.readString(cfg).contains(PROTECT + "; " + READ));
            Files.copy(cfg, state().resolve(CFG), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @RunWith(PaxExam.class)
    @ExamReactorStrategy(PerClass.class)
    public static class SecondBoot extends Boot {

        @Test
        public void theRulesAreInForceAfterTheRestart() throws Exception {
            Shell shell = new Shell(sessionFactory);
            String list = shell.awaitOutput("trusthub:policy-list", READ);
            assertEquals(PROTECT + "\n" + READ + "\n", list.replace("\r", ""));
            assertInForce();
            assertStatus(shell);
        }
    }
}
