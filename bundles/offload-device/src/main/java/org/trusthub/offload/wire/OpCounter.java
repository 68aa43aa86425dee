package org.trusthub.offload.wire;

import java.util.concurrent.atomic.AtomicLong;

/** Counts every cryptographic operation by kind and every byte sent and received. Thread-safe. */
public final class OpCounter {
    private final AtomicLong publicKey = new AtomicLong();
    private final AtomicLong symmetric = new AtomicLong();
    private final AtomicLong hash = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    public void count(CryptoKind kind) {
        switch (kind) {
            case PUBLIC_KEY -> publicKey.incrementAndGet();
            case SYMMETRIC -> symmetric.incrementAndGet();
            case HASH -> hash.incrementAndGet();
        }
    }

    public void sent(int bytes) {
        sent.addAndGet(bytes);
    }

    public void received(int bytes) {
        received.addAndGet(bytes);
    }

    public OpCounts snapshot() {
        return new OpCounts(publicKey.get(), symmetric.get(), hash.get(), sent.get(), received.get());
    }

    public void reset() {
        publicKey.set(0);
        symmetric.set(0);
        hash.set(0);
        sent.set(0);
        received.set(0);
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
