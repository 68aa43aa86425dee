package org.trusthub.testkit.load;

/**
 * One thing's traffic over one protocol, driven by {@link LoadDriver} from one thread: it sends message after message,
 * each numbered one more than the last acknowledged one, and sends a message again (same number) when it went
 * unanswered, as a real device retries. A channel does what a real device does to get through again (a new
 * handshake, a new observation); nothing an operator would do.
 */
public interface LoadChannel {

    /** What {@link #held()} answers for a channel whose messages change nothing at the hub (reads, invokes). */
    long NOTHING_HELD = -1;

    /**
     * The protocol, as the counts are kept per protocol: "coap-dtls", "coap-oscore", "dpws" (WS-Transfer),
     * "dpws-invoke" (a hosted operation), "dpws-event" (WS-Eventing), "offload-token", "offload-group", "bluetooth",
     * "zigbee" (reports).
     */
    String protocol();

    /** The thing whose traffic this is (in failure messages and the ledger's scopes). */
    String thing();

    /**
     * Sends message {@code sequence} and waits for the hub's answer, bounded by the channel's own timeout.
     *
     * @return true when the hub acknowledged it; false when it went unanswered or was refused (sent again)
     * @throws Exception when it went unanswered in a way worth naming in a failure message (also sent again)
     */
    boolean send(long sequence) throws Exception;

    /**
     * The highest sequence number whose message the hub holds now (its effect read back from the hub), or {@link
     * #NOTHING_HELD}. Called while the driver holds every channel still, after the hub answered again.
     */
    default long held() throws Exception {
        return NOTHING_HELD;
    }

    /**
     * Sends an earlier message of this channel again, byte for byte, as an attacker who recorded it would.
     *
     * @return true when the hub accepted the replay, false when it refused it, null when this channel has no
     *         recorded message to replay (no replay check)
     * @throws Exception when the hub did not answer (asked again by {@link LoadDriver#check()})
     */
    default Boolean replay() throws Exception {
        return null;
    }

    /** How often this channel had to connect again (a new DTLS handshake, a new observation) to get through. */
    default long reconnects() {
        return 0;
    }

    /** Releases the channel's sockets and threads. */
    default void close() {
    }
}
