package io.starling.mqtt.delivery;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.spi.RetainedStore;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Retained messages in a concurrent map. A filter without wildcards is one look-up; a wildcard filter walks all
 * retained topics. Subscriptions walk with {@link #scan}, a bounded step per task, so even a million topics never
 * hold an event loop; an index by topic level would make narrow wildcard filters cheaper, and is not needed yet.
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

    /** Lazy: walks the map's weakly consistent iterator, a bounded number of topics per step. */
    @Override
    public Scan scan(TopicFilter filter) {
        if (!filter.hasWildcard()) {
            Message m = messages.get(TopicName.of(filter.value()));
            return RetainedStore.scanOf(m == null ? Collections.emptyIterator() : List.of(m).iterator(), filter, false);
        }
        return RetainedStore.scanOf(messages.values().iterator(), filter, true);
    }

    @Override
    public int size() {
        return messages.size();
    }
}
