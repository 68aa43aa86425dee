/**
 * Helpers for log lines that a party outside the hub can cause.
 */
@Export
@Version("1.0.0")
package org.trusthub.api.log;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
