/**
 * The hub's model of what things can do: each thing's properties (on/off, level, temperature, ...), their last values
 * and where those came from, the {@link org.trusthub.api.model.ThingModelRegistry} that keeps them, and the seam
 * through which bindings publish values and carry out writes ({@link org.trusthub.api.model.PropertyProvider}).
 * Values a thing keeps at the hub in its protocol's own bytes live here too ({@link org.trusthub.api.model.RawValues}).
 * Cross-protocol traffic goes through this model, never from one binding into another.
 */
@Export
@Version("1.1.0")
package org.trusthub.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
