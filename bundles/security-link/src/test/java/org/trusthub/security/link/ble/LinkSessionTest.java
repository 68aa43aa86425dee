package org.trusthub.security.link.ble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Replays: the same packet again is discarded by sequence number; an older one fails its MIC. */
class LinkSessionTest {

    final List<BleSecurityException.Reason> refused = new ArrayList<>();
    final LinkSession central = new LinkSession(
            LinkCipher.fromLtk(LinkCipherTest.LTK, LinkCipherTest.SAMPLE, LinkCipher.Role.CENTRAL), refused::add);
    final LinkSession peripheral = new LinkSession(
            LinkCipher.fromLtk(LinkCipherTest.LTK, LinkCipherTest.SAMPLE, LinkCipher.Role.PERIPHERAL), refused::add);

    @Test
    void aRepeatedPacketIsRefusedAsReplay() {
        byte[] first = central.send(DataPdu.LLID_START, new byte[] { 1, 2, 3 });
        assertArrayEquals(new byte[] { 1, 2, 3 }, peripheral.receive(first).payload());
        BleSecurityException e = assertThrows(BleSecurityException.class, () -> peripheral.receive(first));
        assertEquals(BleSecurityException.Reason.REPLAY, e.reason());
        assertEquals(1, peripheral.rxCounter());
        assertEquals(List.of(BleSecurityException.Reason.REPLAY), refused);
    }

    @Test
    void anOlderPacketReplayedLaterFailsItsMic() {
        byte[] first = central.send(DataPdu.LLID_START, new byte[] { 1 });
        byte[] second = central.send(DataPdu.LLID_START, new byte[] { 2 });
        peripheral.receive(first);
        peripheral.receive(second);
        // same sequence number parity as the next expected packet, but the counter has moved on
        BleSecurityException e = assertThrows(BleSecurityException.class, () -> peripheral.receive(first));
        assertEquals(BleSecurityException.Reason.MIC_FAILURE, e.reason());
        assertEquals(2, peripheral.rxCounter());
        byte[] third = central.send(DataPdu.LLID_START, new byte[] { 3 });
        assertArrayEquals(new byte[] { 3 }, peripheral.receive(third).payload());
    }

    @Test
    void aClosedSessionRefusesEverything() {
        byte[] first = central.send(DataPdu.LLID_START, new byte[] { 1 });
        peripheral.close();
        assertEquals(BleSecurityException.Reason.CLOSED,
                assertThrows(BleSecurityException.class, () -> peripheral.receive(first)).reason());
        assertEquals(BleSecurityException.Reason.CLOSED,
                assertThrows(BleSecurityException.class, () -> peripheral.send(2, new byte[] { 1 })).reason());
    }
}
