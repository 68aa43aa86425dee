package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Asserts that no rendering of a secret's bytes shows up in text meant for people. */
final class Secrets {

    private Secrets() {
    }

    static void assertNoneIn(List<byte[]> secrets, List<String> texts) {
        assertTrue(texts.stream().allMatch(t -> t != null && !t.isEmpty()), "texts to check");
        for (byte[] s : secrets) {
            byte[] head = Arrays.copyOf(s, Math.min(8, s.length));
            List<String> renderings = List.of(HexFormat.of().formatHex(head), HexFormat.of().withUpperCase()
                    .formatHex(head), Base64.getEncoder().encodeToString(s).substring(0, 10),
                    Arrays.toString(head).replace("]", ""));
            for (String text : texts) {
                for (String r : renderings) {
                    assertFalse(text.contains(r), "secret rendered as '" + r + "' in: " + text);
                }
            }
        }
    }
}
