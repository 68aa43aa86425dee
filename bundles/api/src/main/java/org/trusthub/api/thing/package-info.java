/**
 * The thing model: identity, lifecycle states and transitions, and the registry that owns them and
 * keeps each thing's lifecycle journal.
 */
@Export
@Version("1.1.0")
package org.trusthub.api.thing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
