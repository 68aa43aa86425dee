/**
 * Reading configuration values the way the hub's shipped {@code etc/*.cfg} files deliver them.
 */
@Export
@Version("1.0.0")
package org.trusthub.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
