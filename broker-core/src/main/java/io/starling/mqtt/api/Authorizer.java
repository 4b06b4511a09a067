package io.starling.mqtt.api;

import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;

/**
 * Decides who may publish to, subscribe to and receive what. Called on event loops: must be fast and must not block.
 * An exception counts as a refusal.
 */
public interface Authorizer {
    Authorizer ALLOW_ALL = new Authorizer() {};

    default boolean canPublish(ClientInfo client, TopicName topic) {
        return true;
    }

    default boolean canSubscribe(ClientInfo client, TopicFilter filter) {
        return true;
    }

    /**
     * Whether a message on {@code topic} may be delivered to {@code client}, checked for every message routed to a
     * network session (retained messages and wills included) when the authorizer is not {@link #ALLOW_ALL}: a
     * filter such as {@code #} may be allowed while some topics under it are not. Refused messages are skipped
     * and counted, the subscriber never learns of them.
     */
    default boolean canReceive(ClientInfo client, TopicName topic) {
        return true;
    }
}
