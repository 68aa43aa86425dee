/**
 * Test support shared by every test and benchmark: {@link org.trusthub.testkit.Await} (poll until a condition holds,
 * never a fixed sleep), {@link org.trusthub.testkit.TestClock}, {@link org.trusthub.testkit.FreePorts}.
 */
@Export
@Version("1.0.0")
package org.trusthub.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
