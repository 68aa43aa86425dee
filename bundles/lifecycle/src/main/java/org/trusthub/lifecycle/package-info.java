/**
 * What the registry tells beyond {@link org.trusthub.api.thing.ThingRegistry}: what its last start reconciled, for
 * operators (the shell) rather than for other protocols.
 */
@Export
@Version("2.0.0")
package org.trusthub.lifecycle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
