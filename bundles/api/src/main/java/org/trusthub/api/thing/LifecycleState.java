package org.trusthub.api.thing;

/**
 * Where a thing is in its life (the generic lifecycle of a thing in the IoT: manufactured, bootstrapped,
 * operational, maintained, re-bootstrapped, decommissioned, re-commissioned under a new owner).
 */
public enum LifecycleState {
    /** Known to the hub with its factory root credential, not yet part of the hub's security domain. */
    MANUFACTURED,
    /** Being installed: identity and keys are being established. Not yet trusted for operation. */
    BOOTSTRAPPING,
    /** In service: the only state in which bindings open sessions and security contexts for the thing. */
    OPERATIONAL,
    /** Being maintained: software swapped or reconfigured; no new sessions until it resumes. */
    MAINTENANCE,
    /** Out of service: every key revoked. It can only come back through re-commissioning. */
    DECOMMISSIONED;

    /** Whether a thing in this state may hold sessions and security contexts. */
    public boolean isOperational() {
        return this == OPERATIONAL;
    }
}
