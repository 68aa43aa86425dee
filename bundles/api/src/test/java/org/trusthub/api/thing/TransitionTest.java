package org.trusthub.api.thing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TransitionTest {

    @Test
    void theLifecycleOfAThingIsTheOneThePaperDescribes() {
        assertEquals(Set.of(Transition.BOOTSTRAP, Transition.DECOMMISSION),
                Transition.allowedFrom(LifecycleState.MANUFACTURED));
        assertEquals(Set.of(Transition.ACTIVATE, Transition.DECOMMISSION),
                Transition.allowedFrom(LifecycleState.BOOTSTRAPPING));
        assertEquals(Set.of(Transition.MAINTAIN, Transition.DECOMMISSION),
                Transition.allowedFrom(LifecycleState.OPERATIONAL));
        assertEquals(Set.of(Transition.RESUME, Transition.REBOOTSTRAP, Transition.DECOMMISSION),
                Transition.allowedFrom(LifecycleState.MAINTENANCE));
        assertEquals(Set.of(Transition.RECOMMISSION), Transition.allowedFrom(LifecycleState.DECOMMISSIONED));
    }

    @Test
    void everyStateCanBeReachedAndLeft() {
        EnumSet<LifecycleState> reached = EnumSet.noneOf(LifecycleState.class);
        for (Transition t : Transition.values()) {
            reached.add(t.target());
            for (LifecycleState from : t.sources()) {
                assertTrue(t.isAllowedFrom(from));
            }
        }
        // MANUFACTURED is where enrollment puts a thing; every other state is a transition's target.
        assertEquals(EnumSet.complementOf(EnumSet.of(LifecycleState.MANUFACTURED)), reached);
        for (LifecycleState s : LifecycleState.values()) {
            assertTrue(!Transition.allowedFrom(s).isEmpty(), s + " is a dead end");
        }
    }

    @Test
    void onlyOperationalThingsAreOperational() {
        for (LifecycleState s : LifecycleState.values()) {
            assertEquals(s == LifecycleState.OPERATIONAL, s.isOperational());
        }
    }

    @Test
    void illegalTransitionMessageNamesStateTransitionAndWhatIsAllowed() {
        IllegalTransitionException e = new IllegalTransitionException(ThingId.of("lamp-1"),
                LifecycleState.MANUFACTURED, Transition.ACTIVATE, null);
        assertEquals("thing 'lamp-1' is MANUFACTURED: ACTIVATE is not allowed; allowed from MANUFACTURED: "
                + "[BOOTSTRAP, DECOMMISSION]", e.getMessage());
    }
}
