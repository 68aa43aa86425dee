package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.dongle.ember.ZigBeeDongleEzsp;
import com.zsmartsystems.zigbee.security.ZigBeeKey;
import com.zsmartsystems.zigbee.transport.TransportConfig;
import com.zsmartsystems.zigbee.transport.TransportConfigOption;
import com.zsmartsystems.zigbee.transport.ZigBeePort;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;

/**
 * What DongleType claims about each zsmartsystems driver, checked against the drivers themselves (no dongle: a port
 * that opens nothing and counts what is written to it).
 */
class ZigbeeDongleCapabilityTest {

    /** A serial port with nothing behind it; counts the octets a driver writes. */
    static final class DeadPort implements ZigBeePort {
        final AtomicInteger written = new AtomicInteger();

        @Override
        public boolean open() {
            return false;
        }

        @Override
        public boolean open(int baudRate) {
            return false;
        }

        @Override
        public boolean open(int baudRate, FlowControl flowControl) {
            return false;
        }

        @Override
        public void close() {
        }

        @Override
        public void write(int value) {
            written.incrementAndGet();
        }

        @Override
        public void write(int[] bytes) {
            written.addAndGet(bytes.length);
        }

        @Override
        public int read() {
            return -1;
        }

        @Override
        public int read(int timeout) {
            return -1;
        }

        @Override
        public void purgeRxBuffer() {
        }
    }

    @Test
    void onlyTheEmberDriverTakesInstallKeys() {
        for (DongleType type : DongleType.values()) {
            if (type == DongleType.EMBER) {
                // its INSTALL_KEY goes to the NCP as an EZSP transient link key, which needs a live NCP
                assertTrue(type.takesInstallKeys());
                continue;
            }
            ZigBeeTransportTransmit driver = DongleDrivers.create(type, new DeadPort());
            TransportConfig config = new TransportConfig();
            ZigBeeKey key = new ZigBeeKey(new int[16]);
            key.setAddress(new IeeeAddress("00124B0000000A01"));
            config.addOption(TransportConfigOption.INSTALL_KEY, key);
            driver.updateTransportConfig(config);
            assertEquals(ZigBeeStatus.UNSUPPORTED, config.getResult(TransportConfigOption.INSTALL_KEY), type.name());
            assertEquals(false, type.takesInstallKeys(), type.name());
        }
    }

    @Test
    void theEmberDriverRefusesANetworkKeyOnceItsNetworkIsUp() throws Exception {
        ZigBeeDongleEzsp ember = new ZigBeeDongleEzsp(new DeadPort());
        assertEquals(ZigBeeStatus.SUCCESS, ember.setZigBeeNetworkKey(new ZigBeeKey(new int[16])),
                "before the network forms the key is kept for formation");
        // the driver's own state once its NCP reports the network up (no NCP here to report it)
        java.lang.reflect.Field up = ZigBeeDongleEzsp.class.getDeclaredField("networkStateUp");
        up.setAccessible(true);
        up.setBoolean(ember, true);
        assertEquals(ZigBeeStatus.INVALID_STATE, ember.setZigBeeNetworkKey(new ZigBeeKey(new int[16])));
        assertTrue(DongleType.EMBER.keyRotationRefusal().orElseThrow().contains("INVALID_STATE"));
    }

    @Test
    void theXBeeDriverAcceptsANetworkKeyWithoutSendingItAndTheConBeeDriverRefusesIt() {
        DeadPort port = new DeadPort();
        ZigBeeTransportTransmit xbee = DongleDrivers.create(DongleType.XBEE, port);
        assertEquals(ZigBeeStatus.SUCCESS, xbee.setZigBeeNetworkKey(new ZigBeeKey(new int[16])));
        assertEquals(0, port.written.get(), "nothing went to the module");
        assertTrue(DongleType.XBEE.keyRotationRefusal().orElseThrow().contains("without sending it"));

        ZigBeeTransportTransmit conbee = DongleDrivers.create(DongleType.CONBEE, new DeadPort());
        assertEquals(ZigBeeStatus.UNSUPPORTED, conbee.setZigBeeNetworkKey(new ZigBeeKey(new int[16])));
    }
}
