/**
 * The one security interface across every protocol: providers register per layer and mechanism; every binding's
 * inbound path states who is calling and how well protected ({@link org.trusthub.api.security.Authenticated},
 * {@link org.trusthub.api.security.Protection}); refusals are counted in one vocabulary
 * ({@link org.trusthub.api.security.RefusalReason}, {@link org.trusthub.api.security.SecurityRefusals}); and one
 * {@link org.trusthub.api.security.SecurityPolicy} says what is required and allowed.
 */
@Export
@Version("1.2.0")
package org.trusthub.api.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
