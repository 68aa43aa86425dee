package org.trusthub.binding.dpws.internal;

/** The wsd:AppSequence header: lets a receiver order a sender's discovery messages and spot stale ones. */
public record AppSequence(long instanceId, String sequenceId, long messageNumber) {
}
