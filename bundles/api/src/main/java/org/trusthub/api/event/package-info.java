/**
 * EventAdmin topics and property names that trusthub bundles publish.
 */
@Export
@Version("1.0.0")
package org.trusthub.api.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
