package org.trusthub.api.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.trusthub.api.security.RefusalReason;

class RefusalTest {

    @Test
    void everyOffloadRefusalHasItsReasonInTheCommonVocabulary() {
        Map<Refusal, RefusalReason> expected = new EnumMap<>(Refusal.class);
        expected.put(Refusal.MALFORMED, RefusalReason.MALFORMED);
        expected.put(Refusal.FORGED, RefusalReason.FORGED);
        expected.put(Refusal.EXPIRED, RefusalReason.STALE_KEY);
        expected.put(Refusal.REPLAYED, RefusalReason.REPLAY);
        expected.put(Refusal.WRONG_BINDING, RefusalReason.FORGED);
        expected.put(Refusal.NOT_OPERATIONAL, RefusalReason.NOT_OPERATIONAL);
        expected.put(Refusal.UNKNOWN_THING, RefusalReason.UNKNOWN_KEY);
        expected.put(Refusal.UNKNOWN_GROUP, RefusalReason.UNKNOWN_KEY);
        expected.put(Refusal.UNKNOWN_MEMBER, RefusalReason.POLICY);
        expected.put(Refusal.POLICY, RefusalReason.POLICY);
        Map<Refusal, RefusalReason> actual = new EnumMap<>(Refusal.class);
        for (Refusal r : Refusal.values()) {
            actual.put(r, r.common());
        }
        assertEquals(expected, actual);
    }
}
