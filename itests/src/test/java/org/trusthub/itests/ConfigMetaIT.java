package org.trusthub.itests;

import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.apache.karaf.features.ConfigInfo;
import org.apache.karaf.features.Feature;
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
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.trusthub.testkit.Await;

/**
 * Karaf's config tooling shows every trusthub setting: with every trusthub feature installed, {@code config:meta PID}
 * (Karaf 4.4 takes the PID as an argument) lists each setting of each trusthub PID, those shipped as
 * etc/org.trusthub.*.cfg and those a component is designated for, with a description and a default; and every key a
 * shipped file names, commented or not, is one of them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigMetaIT {

    /** Never installed on a hub that is not a demo; it has no settings of its own. */
    private static final Set<String> NOT_INSTALLED = Set.of("trusthub-demo");
    private static final Pattern KEY = Pattern.compile("#?([A-Za-z][A-Za-z0-9_.]*)\\s*=.*");

    @Inject
    @Filter(timeout = 60_000)
    FeaturesService features;

    @Inject
    @Filter(timeout = 60_000)
    MetaTypeService metaType;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @Inject
    BundleContext context;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return HubOptions.hub();
    }

    @Test
    public void configMetaListsEverySettingOfEveryTrusthubPidWithDescriptionAndDefault() throws Exception {
        Set<String> names = new TreeSet<>();
        Set<String> pids = new TreeSet<>();
        for (Feature f : features.listFeatures()) {
            if (f.getName().startsWith("trusthub-") && !NOT_INSTALLED.contains(f.getName())) {
                names.add(f.getName());
                for (ConfigInfo c : f.getConfigurations()) {
                    pids.add(c.getName());
                }
            }
        }
        features.installFeatures(names, EnumSet.noneOf(FeaturesService.Option.class));
        Path etc = Path.of(System.getProperty("karaf.etc"));
        for (String pid : pids) {
            Await.until("etc/" + pid + ".cfg to be written", () -> Files.isRegularFile(etc.resolve(pid + ".cfg")));
        }
        try (Stream<Path> files = Files.list(etc)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("org.trusthub.") && n.endsWith(".cfg"))
                    .forEach(n -> pids.add(n.substring(0, n.length() - ".cfg".length())));
        }
        Map<String, ObjectClassDefinition> designated = designated();
        pids.addAll(designated.keySet());

        Shell shell = new Shell(sessionFactory);
        List<String> problems = new ArrayList<>();
        for (String pid : pids) {
            String shown = shell.run("config:meta " + pid);
            ObjectClassDefinition ocd = designated.get(pid);
            if (ocd == null || shown.contains("No meta type definition found")) {
                problems.add(pid + ": config:meta shows no settings (no metatype designated for it)");
                continue;
            }
            Set<String> ids = new HashSet<>();
            for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
                ids.add(ad.getID());
                if (!shown.contains(ad.getID())) {
                    problems.add(pid + " " + ad.getID() + ": not listed by config:meta");
                }
                if (ad.getDescription() == null || ad.getDescription().isBlank()) {
                    problems.add(pid + " " + ad.getID() + ": no description");
                }
                if (ad.getDefaultValue() == null) {
                    problems.add(pid + " " + ad.getID() + ": no default");
                }
            }
            Path file = etc.resolve(pid + ".cfg");
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Matcher m = KEY.matcher(line.strip());
                    if (m.matches() && !isFrameworks(m.group(1)) && !ids.contains(m.group(1))) {
                        problems.add(pid + " " + m.group(1) + ": in etc/" + pid + ".cfg but not in its metatype");
                    }
                }
            }
        }
        assertTrue("checked " + pids.size() + " PIDs " + pids + "; settings config:meta cannot show:\n"
                + String.join("\n", problems), problems.isEmpty());
        assertTrue("the check found the shipped PIDs: " + pids,
                pids.containsAll(List.of("org.trusthub.keystore", "org.trusthub.binding.coap")));
    }

    /** A key Karaf, File Install or Config Admin write into the file themselves, not a setting. */
    private static boolean isFrameworks(String key) {
        return key.startsWith("org.apache.karaf.") || key.startsWith("felix.") || key.startsWith("service.");
    }

    /** Every PID a trusthub bundle's metatype designates, with its definition. */
    private Map<String, ObjectClassDefinition> designated() {
        Map<String, ObjectClassDefinition> out = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() == null || !b.getSymbolicName().startsWith("org.trusthub.")) {
                continue;
            }
            MetaTypeInformation info = metaType.getMetaTypeInformation(b);
            if (info == null) {
                continue;
            }
            for (String pid : info.getPids()) {
                out.put(pid, info.getObjectClassDefinition(pid, null));
            }
            for (String pid : info.getFactoryPids()) {
                out.put(pid, info.getObjectClassDefinition(pid, null));
            }
        }
        return out;
    }
}
