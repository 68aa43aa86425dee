/**
 * What the registry tells beyond {@link org.trusthub.api.thing.ThingRegistry}: the recent lifecycle history of
 * each thing, for operators (the shell) rather than for other protocols.
 */
@Export
@Version("1.1.0")
package org.trusthub.lifecycle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
