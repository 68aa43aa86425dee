package org.trusthub.security.oscore.internal;

import org.eclipse.californium.oscore.OSException;

/** Where a context's sender sequence numbers come from. */
@FunctionalInterface
interface SequenceSource {
    /** The next unused sequence number; never one handed out before, even across restarts. */
    int next() throws OSException;
}
