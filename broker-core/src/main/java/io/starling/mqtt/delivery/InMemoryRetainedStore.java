package io.starling.mqtt.delivery;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.spi.RetainedStore;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Retained messages in a concurrent map. A filter without wildcards is one look-up; a wildcard filter scans all
 * retained topics, which is fine for thousands of topics and is what a durable, indexed store replaces.
 */
public final class InMemoryRetainedStore implements RetainedStore {
    private final ConcurrentHashMap<TopicName, Message> messages = new ConcurrentHashMap<>();

    @Override
    public void put(Message message) {
        messages.put(message.topic(), message);
    }

    @Override
    public boolean remove(TopicName topic) {
        return messages.remove(topic) != null;
    }

    @Override
    public void forEachMatching(TopicFilter filter, Consumer<Message> action) {
        if (!filter.hasWildcard()) {
            Message m = messages.get(TopicName.of(filter.value()));
            if (m != null) {
                action.accept(m);
            }
            return;
        }
        for (Message m : messages.values()) {
            if (filter.matches(m.topic())) {
                action.accept(m);
            }
        }
    }

    @Override
    public int size() {
        return messages.size();
    }
}
