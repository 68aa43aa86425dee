package org.trusthub.offload.device;

/**
 * The answer to "is this signature and its chain good?", as the device accepted it (from the hub's MAC'd verdict, or
 * from checking alone).
 *
 * @param subject the signer certificate's subject, or empty when there was no usable chain
 */
public record Verdict(boolean valid, String reason, String subject) {
}
