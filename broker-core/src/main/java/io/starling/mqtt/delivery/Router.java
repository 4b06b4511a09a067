package io.starling.mqtt.delivery;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.session.Subscriber;
import io.starling.mqtt.spi.RetainedStore;
import io.starling.mqtt.topic.TopicTrie;
import java.util.HashMap;
import java.util.Map;

/**
 * Takes ownership of a published message: updates the retained store, finds every matching subscriber and hands
 * each one copy at the lower of the published and granted QoS [MQTT-3.8.4-6] [MQTT-4.5.0-1].
 *
 * <p>Threading: called on the publisher's thread; takes no lock (the trie read is lock-free and each subscriber
 * hops to its own executor).
 */
public final class Router {
    private final TopicTrie<Subscriber, QoS> index;
    private final RetainedStore retained;

    public Router(TopicTrie<Subscriber, QoS> index, RetainedStore retained) {
        this.index = index;
        this.retained = retained;
    }

    /**
     * Routes {@code message}; returns a subscriber that asks its publishers to slow down ({@link
     * Subscriber#congested()}), or null: the publishing connection pauses its reads until it has caught up.
     */
    public Subscriber publish(Message message) {
        if (message.retain()) {
            retain(message);
        }
        // Live subscribers always see RETAIN 0 [MQTT-3.3.1-9], also for the message that clears a topic [MQTT-3.3.1-10].
        Message live = message.withRetain(false);
        Matches matches = new Matches();
        index.match(message.topic(), matches);
        return matches.deliver(live);
    }

    private void retain(Message message) {
        if (message.payload().length == 0) {
            // An empty retained payload clears the topic and is never stored itself [MQTT-3.3.1-10] [MQTT-3.3.1-11].
            retained.remove(message.topic());
        } else {
            retained.put(message);
        }
    }

    /**
     * Collects matches, merging a subscriber's overlapping subscriptions into one delivery at the highest granted
     * QoS [MQTT-3.3.5-1]. The first match needs no map; most publishes never allocate one.
     */
    private static final class Matches implements java.util.function.BiConsumer<Subscriber, QoS> {
        private Subscriber firstSubscriber;
        private QoS firstQos;
        private Map<Subscriber, QoS> more;

        @Override
        public void accept(Subscriber subscriber, QoS granted) {
            if (firstSubscriber == null) {
                firstSubscriber = subscriber;
                firstQos = granted;
                return;
            }
            if (more == null) {
                more = new HashMap<>();
                more.put(firstSubscriber, firstQos);
            }
            more.merge(subscriber, granted, QoS::max);
        }

        /** Delivers to every match; returns one that is congested, or null. */
        Subscriber deliver(Message message) {
            if (more == null) {
                if (firstSubscriber != null) {
                    QoS qos = QoS.min(message.qos(), firstQos);
                    firstSubscriber.deliver(message, qos);
                    // QoS 0 never queues for a connected subscriber, so it never waits for one either.
                    if (qos != QoS.AT_MOST_ONCE && firstSubscriber.congested()) {
                        return firstSubscriber;
                    }
                }
                return null;
            }
            Subscriber congested = null;
            for (Map.Entry<Subscriber, QoS> e : more.entrySet()) {
                Subscriber subscriber = e.getKey();
                QoS qos = QoS.min(message.qos(), e.getValue());
                subscriber.deliver(message, qos);
                if (congested == null && qos != QoS.AT_MOST_ONCE && subscriber.congested()) {
                    congested = subscriber;
                }
            }
            return congested;
        }
    }
}
