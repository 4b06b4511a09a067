package io.starling.mqtt.spi;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.util.function.Consumer;

/** Where retained messages live. Called from any event loop: implementations are thread-safe and never block. */
public interface RetainedStore {
    /** Stores {@code message} as the retained message of its topic, replacing any earlier one. */
    void put(Message message);

    /** Removes the retained message of {@code topic}; true if there was one. */
    boolean remove(TopicName topic);

    /** Calls {@code action} with the retained message of every topic that {@code filter} matches. */
    void forEachMatching(TopicFilter filter, Consumer<Message> action);

    int size();
}
