package org.trusthub.itests;


import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.trusthub.testkit.Await;

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
        return Await.until("file install to apply etc/" + pid + ".cfg", Await.DEFAULT_TIMEOUT,
                () -> configAdmin.getConfiguration(pid, "?"), c -> c.getProperties() != null
                        && c.getProperties().get("felix.fileinstall.filename") != null);
    }
}
