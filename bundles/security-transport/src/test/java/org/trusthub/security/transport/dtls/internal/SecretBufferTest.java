package org.trusthub.security.transport.dtls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class SecretBufferTest {

    private static void assertZero(byte[] a, String what) {
        for (int i = 0; i < a.length; i++) {
            assertEquals(0, a[i], what + " at " + i);
        }
    }

    @Test
    void arraysLeftBehindOnGrowthAndTakingAreZeroed() {
        SecretBuffer buffer = new SecretBuffer(16);
        byte[] secret = new byte[40];
        Arrays.fill(secret, (byte) 0x5a);
        buffer.write(secret, 0, 10);
        byte[] first = buffer.buf;
        buffer.write(secret, 10, 30);
        buffer.write(0x5a);
        assertZero(first, "the array outgrown");
        byte[] grown = buffer.buf;

        byte[] taken = buffer.take();
        byte[] expected = Arrays.copyOf(secret, 41);
        expected[40] = 0x5a;
        assertArrayEquals(expected, taken);
        assertZero(grown, "the array taken from");
        buffer.write(1);
        assertArrayEquals(new byte[] {1}, buffer.take(), "empty after taking");
    }
}
