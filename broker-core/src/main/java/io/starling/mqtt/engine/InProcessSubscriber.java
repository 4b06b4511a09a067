package io.starling.mqtt.engine;

import io.starling.mqtt.api.InProcessSubscription;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.MessageListener;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.session.Subscriber;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicTrie;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A subscription of the embedding application: calls its listener on the broker's listener thread. */
final class InProcessSubscriber implements Subscriber, InProcessSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessSubscriber.class);

    private final TopicFilter filter;
    private final QoS qos;
    private final MessageListener listener;
    private final Executor executor;
    private final TopicTrie<Subscriber, QoS> index;
    private volatile boolean closed;

    InProcessSubscriber(TopicFilter filter, QoS qos, MessageListener listener, Executor executor,
                        TopicTrie<Subscriber, QoS> index) {
        this.filter = filter;
        this.qos = qos;
        this.listener = listener;
        this.executor = executor;
        this.index = index;
    }

    @Override
    public void deliver(Message message, QoS deliveredQos) {
        if (closed) {
            return;
        }
        Message delivered = message.withQos(deliveredQos);
        try {
            executor.execute(() -> {
                if (closed) {
                    return;
                }
                try {
                    listener.onMessage(delivered);
                } catch (RuntimeException e) {
                    // A failing listener must not take the listener thread (or the broker) down.
                    LOG.warn("in-process listener on {} threw; message on {} skipped", filter, message.topic(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("broker closing; in-process delivery on {} dropped", message.topic());
        }
    }

    @Override
    public String filter() {
        return filter.value();
    }

    @Override
    public QoS qos() {
        return qos;
    }

    @Override
    public void close() {
        closed = true;
        index.remove(filter, this);
    }
}
