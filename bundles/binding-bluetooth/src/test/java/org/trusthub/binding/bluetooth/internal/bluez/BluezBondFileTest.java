package org.trusthub.binding.bluetooth.internal.bluez;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading BlueZ's bond file: key types, octet order, and files that are not a usable LE bond. */
class BluezBondFileTest {

    static final String LTK = "00112233445566778899AABBCCDDEEFF";
    static final String IRK = "0F0E0D0C0B0A09080706050403020100";

    @TempDir
    Path dir;

    Path write(String text) throws Exception {
        Path info = BluezBondFile.of(dir, "00:01:02:03:04:05", "c0:51:4d:00:00:01");
        Files.createDirectories(info.getParent());
        Files.writeString(info, text);
        return info;
    }

    static String bond(int type, boolean irk) {
        return "[General]\nName=t\n\n" + (irk ? "[IdentityResolvingKey]\nKey=" + IRK + "\n\n" : "")
                + "[LongTermKey]\nKey=" + LTK + "\nAuthenticated=" + type + "\nEncSize=16\nEDiv=0\nRand=0\n";
    }

    @Test
    void theFileIsFoundByUpperCaseAddresses() {
        assertEquals(dir.resolve("00:01:02:03:04:05").resolve("C0:51:4D:00:00:01").resolve("info"),
                BluezBondFile.of(dir, "00:01:02:03:04:05", "c0:51:4d:00:00:01"));
    }

    @Test
    void keyTypesTwoAndThreeAreSecureConnectionsOthersAreNot() throws Exception {
        for (int type = 0; type <= 4; type++) {
            BluezBondFile.Keys keys = BluezBondFile.read(write(bond(type, true)));
            assertEquals(type == 2 || type == 3, keys.secureConnections(), "type " + type);
        }
    }

    @Test
    void theLtkIsKeptAsWrittenAndTheIrkTurnedMostSignificantOctetFirst() throws Exception {
        BluezBondFile.Keys keys = BluezBondFile.read(write(bond(2, true)));
        assertArrayEquals(HexFormat.of().parseHex(LTK), keys.ltk());
        assertArrayEquals(HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F"), keys.irk());
        assertFalse(keys.toString().contains("0011"), "no key in toString");
        assertNull(BluezBondFile.read(write(bond(3, false))).irk(), "no IRK distributed");
    }

    @Test
    void filesThatAreNotAUsableLeBondAreRefusedWithoutTheirContentInTheMessage() throws Exception {
        BluezBondFile.Unreadable missing = assertThrows(BluezBondFile.Unreadable.class,
                () -> BluezBondFile.read(dir.resolve("none/info")));
        assertTrue(missing.getMessage().contains("stored no bond"), missing.getMessage());
        for (String text : new String[] {"[General]\nName=t\n", bond(2, true).replace(LTK, LTK.substring(2)),
            bond(2, true).replace(LTK, "ZZ" + LTK.substring(2)), bond(2, true).replace("Authenticated=2", "")}) {
            BluezBondFile.Unreadable e = assertThrows(BluezBondFile.Unreadable.class,
                    () -> BluezBondFile.read(write(text)));
            assertFalse(e.getMessage().contains(LTK.substring(4)), e.getMessage());
        }
    }
}
