package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

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
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.offload.TokenService;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.testkit.Await;

/** The two boots of {@link OffloadGrantsRestartIT}; run only from there, which hands them the shared directory. */
public final class OffloadGrantsRestartBoots {

    static final String STATE = "trusthub.itest.offloadGrantsState";
    /** The first boot's etc/ security policy file, as Karaf wrote it. */
    static final String CFG = "org.trusthub.security.policy.cfg";
    static final String GRANT = "token it-rs-keypad it-rs-door open";

    private OffloadGrantsRestartBoots() {
    }

    /** The hub with trusthub-offload; the second boot starts from the etc/ policy file the first one left. */
    static Option[] options() {
        Path dir = TwoBoots.directory(STATE, "OffloadGrantsRestartIT");
        List<Option> extra = new ArrayList<>(List.of(
                features("mvn:org.trusthub/trusthub-features/" + System.getProperty("trusthub.version")
                        + "/xml/features", "trusthub-offload", "trusthub-offload-device"),
                editConfigurationFilePut("etc/org.trusthub.binding.coap.cfg", "port", "0"),
                editConfigurationFilePut("etc/org.trusthub.binding.coap.cfg", "securePort", "0")));
        if (Files.isRegularFile(dir.resolve(CFG))) {
            extra.add(replaceConfigurationFile("etc/" + CFG, dir.resolve(CFG).toFile()));
        }
        return TwoBoots.options(STATE, "OffloadGrantsRestartIT", extra.toArray(Option[]::new));
    }

    abstract static class Boot {
        @Inject
        @Filter(timeout = 60_000)
        ThingRegistry registry;

        @Inject
        @Filter(timeout = 60_000)
        TokenService tokens;

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

        ConstrainedDevice operational(String name) {
            byte[] root = new byte[32];
            SecureRandom random = new SecureRandom();
            random.nextBytes(root);
            ThingId id = ThingId.of(name);
            registry.enroll(id, "itest", RootCredential.secret(root));
            registry.transition(id, Transition.BOOTSTRAP);
            registry.transition(id, Transition.ACTIVATE);
            return ConstrainedDevice.bootstrap(id, root, 1, Clock.systemUTC(), random);
        }
    }

    @RunWith(PaxExam.class)
    @ExamReactorStrategy(PerClass.class)
    public static class FirstBoot extends Boot {

        @Test
        public void aTokenRuleFromTheConsoleAndLeavesTheFileKarafWrote() throws Exception {
            FeatureConfigs.applied(configAdmin, "org.trusthub.security.policy");
            Shell shell = new Shell(sessionFactory);
            assertEquals(SecurityPolicyBoots.SHIPPED,
                    shell.awaitOutput("trusthub:policy-list", "dpws-state").replace("\r", ""));
            String added = shell.run("trusthub:policy-add " + GRANT);
            assertTrue(added, added.contains("Added: " + GRANT));
            Path cfg = Path.of(System.getProperty("karaf.etc"), CFG);
            Await.until("the grant written back to " + cfg, Await.DEFAULT_TIMEOUT, () -> Files.readString(cfg),
                    text -> text.contains(GRANT));
            Files.copy(cfg, state().resolve(CFG), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @RunWith(PaxExam.class)
    @ExamReactorStrategy(PerClass.class)
    public static class SecondBoot extends Boot {

        @Test
        public void theRuleIsInForceForOffloadAndNothingElseIs() throws Exception {
            Shell shell = new Shell(sessionFactory);
            String list = shell.awaitOutput("trusthub:policy-list", GRANT);
            assertFalse(list, list.contains("refused"));
            ConstrainedDevice keypad = operational("it-rs-keypad");
            ConstrainedDevice door = operational("it-rs-door");
            keypad.acceptTokenResponse(tokens.requestToken(keypad.requestToken(door.id(), "open")));
            try {
                tokens.requestToken(door.requestToken(keypad.id(), "open"));
                throw new AssertionError("a token no rule allows was issued");
            } catch (OffloadException e) {
                assertEquals(Refusal.POLICY, e.refusal());
            }
        }
    }
}
