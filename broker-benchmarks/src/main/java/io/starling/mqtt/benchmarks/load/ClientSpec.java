package io.starling.mqtt.benchmarks.load;

/**
 * One generator connection: its client id and keep-alive, an optional subscription and an optional publisher role.
 *
 * @param filter the filter to subscribe to once connected, or null
 * @param subscribeQos the QoS requested for {@code filter}
 * @param publisher what to publish, or null
 * @param cleanSession false for a persistent session (clean session 0), whose QoS 1/2 messages a durable broker stores
 * @param exact keep every sequence number: a publisher the ones the broker acknowledged, a subscriber the ones it
 *     received from each publisher, so that acknowledged messages that never arrived can be counted exactly (a bit
 *     per message; the overload and slow-consumer scenarios)
 */
record ClientSpec(String clientId, int keepAliveSeconds, String filter, int subscribeQos, PublisherSpec publisher,
        boolean cleanSession, boolean exact) {

    /** A client with a clean session, as in every scenario but the persistent ones. */
    ClientSpec(String clientId, int keepAliveSeconds, String filter, int subscribeQos, PublisherSpec publisher) {
        this(clientId, keepAliveSeconds, filter, subscribeQos, publisher, true);
    }

    ClientSpec(String clientId, int keepAliveSeconds, String filter, int subscribeQos, PublisherSpec publisher,
            boolean cleanSession) {
        this(clientId, keepAliveSeconds, filter, subscribeQos, publisher, cleanSession, false);
    }

    /**
     * A publisher: its index in the scenario (written into every payload), QoS, topics (one picked at random per
     * message when there are several) with the number of subscriptions each one matches, payload size, inflight
     * window for QoS 1/2, rate (messages per second, or 0 for as fast as the connection takes them), and for QoS 0
     * at full speed how many messages it may be ahead of the newest one its subscribers have seen (0: no limit).
     */
    record PublisherSpec(int index, int qos, byte[][] topics, int[] matches, int payloadSize, int window,
            double ratePerSecond, long seed, int qos0Window) {
        PublisherSpec {
            if (payloadSize < Wire.PAYLOAD_HEADER) {
                throw new IllegalArgumentException("payload must hold at least " + Wire.PAYLOAD_HEADER + " bytes");
            }
            if (topics.length == 0 || topics.length != matches.length) {
                throw new IllegalArgumentException("one match count per topic");
            }
            if (window < 1 || window > 65_535) {
                throw new IllegalArgumentException("window must be 1..65535");
            }
        }
    }
}
