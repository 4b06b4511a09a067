package io.starling.mqtt.api;

import io.starling.mqtt.topic.TopicFilter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Hooks into what the broker does, for the embedding application. Every method has a default that does nothing.
 *
 * <p>{@link #onPublish} decides about each message before it is routed, from network clients and in-process
 * publishers alike. The other hooks are notifications: they run on one broker-owned thread, in order, never on an
 * event loop, so they may block; if that thread falls more than 10,000 notifications behind, further ones are
 * dropped and counted ({@link BrokerStats#interceptorNotificationsDropped()}). An exception from any hook is logged
 * and never reaches the broker.
 */
public interface Interceptor {
    /**
     * Decides about a message before it is routed: complete with the message to route (the same or a changed one)
     * or with {@code null} to refuse it. A network publisher is acknowledged either way, as for an unauthorized
     * publish (MQTT 3.1.1 has no negative acknowledgement).
     *
     * <p>Called on the publisher's thread, an event loop for network clients: answer at once when you can. A stage
     * that completes later holds that client's following packets, in order and with reading paused, until it
     * completes or {@code BrokerConfig.interceptorTimeout()} passes; a timed-out, failed or throwing decision
     * refuses the message and is logged.
     */
    default CompletionStage<Message> onPublish(ClientInfo publisher, Message message) {
        return CompletableFuture.completedFuture(message);
    }

    /** A client connected (after CONNACK 0x00). */
    default void onConnect(ClientInfo client) {
    }

    /** A connected client's connection ended, with or without DISCONNECT. */
    default void onDisconnect(ClientInfo client, boolean cleanDisconnect) {
    }

    /** A subscription was granted. */
    default void onSubscribe(ClientInfo client, TopicFilter filter, QoS grantedQos) {
    }

    /** A subscription was removed by UNSUBSCRIBE. */
    default void onUnsubscribe(ClientInfo client, TopicFilter filter) {
    }

    /**
     * Whether this interceptor wants {@link #onDeliver}: delivery notifications cost a task per message sent, so
     * they are off unless asked for.
     */
    default boolean wantsDeliveries() {
        return false;
    }

    /** A message was sent to a client at {@code qos} (first transmission, not re-sends). */
    default void onDeliver(String clientId, Message message, QoS qos) {
    }

    /** A message acknowledged to its publisher was dropped for {@code clientId} by a limit, with the reason. */
    default void onDrop(String clientId, Message message, String reason) {
    }
}
