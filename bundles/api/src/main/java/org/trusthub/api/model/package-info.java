/**
 * The hub's model of what things can do: each thing's properties (on/off, level, temperature, ...), their last values
 * and where those came from, the {@link org.trusthub.api.model.ThingModelRegistry} that keeps them, and the seam
 * through which bindings publish values and carry out writes ({@link org.trusthub.api.model.PropertyProvider}).
 * Cross-protocol traffic goes through this model, never from one binding into another.
 */
@Export
@Version("1.0.0")
package org.trusthub.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
