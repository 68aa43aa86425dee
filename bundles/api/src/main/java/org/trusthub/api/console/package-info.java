/**
 * What console commands share that wait on something outside the hub (a radio scan, a peer, a network answer).
 */
@Export
@Version("1.0.0")
package org.trusthub.api.console;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
