package io.starling.mqtt.session;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.spi.RetainedStore;
import io.starling.mqtt.topic.TopicFilter;
import java.util.ArrayDeque;
import java.util.function.BiPredicate;

/**
 * The retained messages a session still owes its client for new subscriptions [MQTT-3.3.1-6], each a {@link
 * RetainedStore.Scan} taken a step at a time, oldest subscription first. Holding a scan rather than the list of
 * matches keeps a {@code #} subscription over a million retained topics at a few objects, not a million references.
 * Confined to the session's owner executor, like the session.
 */
final class RetainedStreams {
    /** One subscription's walk, at the lower of each message's QoS and the granted one. */
    private record Stream(TopicFilter filter, QoS granted, RetainedStore.Scan scan) {}

    private final ArrayDeque<Stream> streams = new ArrayDeque<>(2);

    /** Starts a walk for {@code filter}; a replaced subscription's walk starts over [MQTT-3.8.4-3]. */
    void start(TopicFilter filter, QoS granted, RetainedStore.Scan scan) {
        stop(filter);
        streams.add(new Stream(filter, granted, scan));
    }

    /** Ends the walk of an unsubscribed filter: its remaining messages are no longer owed. */
    void stop(TopicFilter filter) {
        streams.removeIf(s -> s.filter().equals(filter));
    }

    void clear() {
        streams.clear();
    }

    boolean isEmpty() {
        return streams.isEmpty();
    }

    /**
     * Examines at most {@code budget} retained topics of the oldest walk, passing each match and its QoS to {@code
     * sink} until it returns false; a finished walk is dropped. Returns true while any walk remains.
     */
    boolean step(int budget, BiPredicate<Message, QoS> sink) {
        Stream head = streams.peek();
        if (head == null) {
            return false;
        }
        boolean more = head.scan().advance(budget, m -> sink.test(m, QoS.min(m.qos(), head.granted())));
        if (!more && streams.peek() == head) {
            streams.poll();
        }
        return !streams.isEmpty();
    }
}
