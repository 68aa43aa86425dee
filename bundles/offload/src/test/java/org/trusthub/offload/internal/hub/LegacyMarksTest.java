package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordStore;

import com.upokecenter.cbor.CBORObject;

/**
 * An offload state an earlier hub version left, with the request sequence marks it kept itself: the marks go to the
 * keystore once, so the requests they cover stay refused, and leave the offload store.
 */
class LegacyMarksTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void marksAnEarlierHubRecordedAreCarriedToTheKeystoreAndDropped() throws Exception {
        ConstrainedDevice a = f.operational("old-a");
        ConstrainedDevice b = f.operational("old-b");
        List<byte[]> takenByTheOldHub = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            takenByTheOldHub.add(a.requestToken(b.id(), "read"));
        }
        Path state = dir.resolve("state");
        // What the earlier version wrote for a's requests 0..4 under its keys of generation 1 (SEQ_GEN, kind 7) and
        // for b under keys it no longer has (generation 9).
        try (RecordStore old = RecordStore.open(state, OffloadState.STORE_NAME, ChecksumSealer.INSTANCE, r -> {
        })) {
            long enrolled = f.keystore.metadata(a.id()).enrolled().toEpochMilli();
            old.append(CBORObject.NewArray().Add(7).Add("old-a").Add(4L).Add(enrolled).Add(1).EncodeToBytes());
            long enrolledB = f.keystore.metadata(b.id()).enrolled().toEpochMilli();
            old.append(CBORObject.NewArray().Add(7).Add("old-b").Add(99L).Add(enrolledB).Add(9).EncodeToBytes());
        }
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(1L, hub.housekeeping().get("replay-marks-carried-over"));
            assertEquals(4L, f.mark(a.id()));
            assertEquals(-1L, f.mark(b.id()), "a mark of replaced keys is not carried over");
            for (byte[] rq : takenByTheOldHub) {
                assertEquals(Refusal.REPLAYED, assertThrows(OffloadException.class, () -> hub.requestToken(rq))
                        .refusal());
            }
            a.acceptTokenResponse(hub.requestToken(a.requestToken(b.id(), "read")));
            assertTrue(hub.state().legacyMarks().isEmpty());
        }
        try (OffloadState s = OffloadState.open(state, f.clock)) {
            assertTrue(s.legacyMarks().isEmpty(), "the store was rewritten without them");
        }
    }
}
