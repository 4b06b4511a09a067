package io.starling.mqtt.api;

import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;

/** Decides who may publish to and subscribe to what. Called on event loops: must be fast and must not block. */
public interface Authorizer {
    Authorizer ALLOW_ALL = new Authorizer() {};

    default boolean canPublish(ClientInfo client, TopicName topic) {
        return true;
    }

    default boolean canSubscribe(ClientInfo client, TopicFilter filter) {
        return true;
    }
}
