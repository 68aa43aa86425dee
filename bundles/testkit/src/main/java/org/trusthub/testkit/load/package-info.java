/**
 * A load driver that keeps traffic flowing through a hub while its bundles are swapped: {@link
 * org.trusthub.testkit.load.LoadDriver} runs one {@link org.trusthub.testkit.load.LoadChannel} per thing and
 * protocol, counts sent, acknowledged, unanswered and lost messages per protocol, measures the gap in service around
 * each swap, and keeps a {@link org.trusthub.testkit.load.NonceLedger} of every nonce, counter and sequence number
 * seen per thing and key. Used by the integration tests (inside the container) and by the benchmarks (on the class
 * path); the protocol ends live in {@code org.trusthub.testkit.coap} or in the test that needs them. Call {@link
 * org.trusthub.testkit.load.LoadDriver#check()} right after a swap ends: it holds every channel still, so what it
 * reads back is compared with the last acknowledged message before any later one overwrites it.
 */
@Export
@Version("1.0.0")
package org.trusthub.testkit.load;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
