package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.testkit.Await;

/** Capabilities come and go at run time: the console feature is removed and installed again, core keeps running. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeatureSwapIT {

    private static final List<String> CORE = List.of("org.trusthub.api", "org.trusthub.storage",
            "org.trusthub.keystore", "org.trusthub.lifecycle");

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 60_000)
    FeaturesService features;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @Inject
    @Filter(timeout = 60_000)
    ThingRegistry registry;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return HubOptions.hub();
    }

    @Test
    public void shellFeatureCanBeUninstalledAndInstalledAgainWhileCoreKeepsRunning() throws Exception {
        Shell shell = new Shell(sessionFactory);
        assertTrue(features.isInstalled(features.getFeature("trusthub-shell")));
        assertTrue(shell.run("trusthub:thing-list").contains("No things enrolled."));
        long registryService = serviceId();

        features.uninstallFeature("trusthub-shell", EnumSet.noneOf(FeaturesService.Option.class));

        assertFalse(features.isInstalled(features.getFeature("trusthub-shell")));
        assertEquals("org.trusthub.shell is gone", null, bundle("org.trusthub.shell"));
        // Command (un)registration follows the bundle's service events, which Karaf may handle on its own thread.
        Await.until("trusthub commands to disappear",
                () -> refusal(shell, "trusthub:thing-list").contains("Command not found"));
        for (String name : CORE) {
            Bundle b = bundle(name);
            assertTrue(name + " still installed", b != null);
            assertEquals(name + " still active", Bundle.ACTIVE, b.getState());
        }
        assertEquals("the registry service was not restarted", registryService, serviceId());

        features.installFeature("trusthub-shell", EnumSet.noneOf(FeaturesService.Option.class));

        assertTrue(features.isInstalled(features.getFeature("trusthub-shell")));
        assertEquals(Bundle.ACTIVE, bundle("org.trusthub.shell").getState());
        Await.until("trusthub commands to come back",
                () -> refusal(shell, "trusthub:thing-list") == null);
        assertTrue(shell.run("trusthub:thing-list").contains("No things enrolled."));
        assertEquals("the registry service was not restarted", registryService, serviceId());
    }

    private long serviceId() {
        return (Long) context.getServiceReference(ThingRegistry.class).getProperty("service.id");
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElse(null);
    }

    /** The refusal message of a command, or null when it ran. */
    private static String refusal(Shell shell, String command) {
        try {
            shell.run(command);
            return null;
        } catch (AssertionError e) {
            return String.valueOf(e.getMessage());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
