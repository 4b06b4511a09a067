package io.starling.mqtt.api;

/** A subscription made by the embedding application; closing it unsubscribes. */
public interface InProcessSubscription extends AutoCloseable {
    String filter();

    QoS qos();

    @Override
    void close();
}
