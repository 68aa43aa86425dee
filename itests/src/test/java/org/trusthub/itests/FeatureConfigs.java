package org.trusthub.itests;

import java.util.Dictionary;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A feature's {@code configfile} lands in etc/ and Karaf's file install applies it a poll later (about a second).
 * A test that updates that configuration through Config Admin before then has its values replaced by the file's
 * defaults when file install catches up; so it first waits for the file to have been applied.
 */
final class FeatureConfigs {

    private FeatureConfigs() {
    }

    /** The configuration of {@code pid} once file install has applied the feature's etc/ file to it. */
    static Configuration applied(ConfigurationAdmin configAdmin, String pid) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            Configuration c = configAdmin.getConfiguration(pid, "?");
            Dictionary<String, Object> p = c.getProperties();
            if (p != null && p.get("felix.fileinstall.filename") != null) {
                return c;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("file install never applied etc/" + pid + ".cfg");
            }
            Thread.sleep(100);
        }
    }
}
