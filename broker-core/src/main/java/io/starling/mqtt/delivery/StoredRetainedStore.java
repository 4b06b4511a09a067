package io.starling.mqtt.delivery;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.spi.RetainedStore;
import io.starling.mqtt.spi.SessionStore;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.util.function.Consumer;

/**
 * Retained messages in memory for matching, written through to the session store so that they survive a restart.
 * Reads never touch the store: it is read once, at start, by {@link #load}.
 */
public final class StoredRetainedStore implements RetainedStore {
    private final InMemoryRetainedStore memory = new InMemoryRetainedStore();
    private final SessionStore store;

    public StoredRetainedStore(SessionStore store) {
        this.store = store;
    }

    /** Puts back a message the store kept, without writing it again. */
    public void load(Message message) {
        memory.put(message);
    }

    @Override
    public void put(Message message) {
        memory.put(message);
        store.putRetained(message);
    }

    @Override
    public boolean remove(TopicName topic) {
        boolean removed = memory.remove(topic);
        if (removed) {
            store.removeRetained(topic);
        }
        return removed;
    }

    @Override
    public void forEachMatching(TopicFilter filter, Consumer<Message> action) {
        memory.forEachMatching(filter, action);
    }

    @Override
    public Scan scan(TopicFilter filter) {
        return memory.scan(filter);
    }

    @Override
    public int size() {
        return memory.size();
    }
}
