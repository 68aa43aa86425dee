package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.KarafDistributionOption;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;
import org.trusthub.testkit.Await;

/**
 * The distribution with feature trusthub-zigbee-dongle and a dongle configured on a port that does not exist: the
 * drivers and jSerialComm are active and wired to the bridge, the bridge refuses to start (no real and no simulated
 * bridge registered) and nothing crashes. No hardware here, so nothing beyond that.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ZigbeeDongleIT {

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 60_000)
    FeaturesService features;

    @Inject
    @Filter(timeout = 60_000)
    ThingRegistry registry;

    @Inject
    @Filter(timeout = 60_000)
    ServiceComponentRuntime scr;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return HubOptions.hub(
                KarafDistributionOption.editConfigurationFileExtend("etc/org.apache.karaf.features.cfg",
                        "featuresBoot", "trusthub-zigbee-dongle"),
                KarafDistributionOption.editConfigurationFilePut("etc/org.trusthub.binding.zigbee.cfg", "serialPort",
                        "/dev/nonexistent"),
                KarafDistributionOption.editConfigurationFilePut("etc/org.trusthub.binding.zigbee.cfg", "dongleType",
                        "ember"));
    }

    @Test
    public void driversResolveAndAMissingPortStartsNoBridge() throws Exception {
        assertTrue(features.isInstalled(features.getFeature("trusthub-zigbee-dongle")));
        for (String bsn : List.of("com.fazecast.jSerialComm", "com.zsmartsystems.zigbee.dongle.ember",
                "com.zsmartsystems.zigbee.dongle.telegesis", "com.zsmartsystems.zigbee.dongle.cc2531",
                "com.zsmartsystems.zigbee.dongle.xbee", "com.zsmartsystems.zigbee.dongle.conbee")) {
            assertEquals(bsn, Bundle.ACTIVE, bundle(bsn).getState());
        }
        Bundle bridgeBundle = bundle("org.trusthub.binding.zigbee");
        assertEquals(Bundle.ACTIVE, bridgeBundle.getState());
        List<BundleWire> wires = bridgeBundle.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package");
        assertTrue("optional imports of the drivers and jSerialComm are wired", wires.stream()
                .map(w -> w.getProvider().getBundle().getSymbolicName())
                .filter(n -> n.equals("com.zsmartsystems.zigbee.dongle.ember") || n.equals("com.fazecast.jSerialComm"))
                .distinct().count() == 2);

        // The component has run once SCR reports it active; the bridge must not be there.
        Await.until("the ZigBee component to activate", Duration.ofSeconds(60),
                () -> componentState(bridgeBundle, "org.trusthub.binding.zigbee.internal.ZigbeeBindingComponent"),
                state -> state == ComponentConfigurationDTO.ACTIVE);
        assertNull("no bridge (real or simulated) on a port that does not exist",
                context.getServiceReference(ZigbeeBridge.class));
        assertTrue(context.getServiceReferences(org.trusthub.api.binding.ProtocolBinding.class,
                "(trusthub.protocol=zigbee)").isEmpty());
    }

    /** The state of a component's one configuration, or -1 while it has none. */
    private int componentState(Bundle bundle, String componentName) {
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
            if (description.name.equals(componentName)) {
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    return configuration.state;
                }
            }
        }
        return -1;
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }
}
