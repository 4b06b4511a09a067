package io.starling.mqtt.api;

/**
 * An MQTT 3.1.1 broker running in this JVM. Start it, read the bound port, publish and subscribe in-process,
 * and close it. Start and close are idempotent; several brokers may run side by side.
 */
public interface MqttBroker extends AutoCloseable {
    /** Binds the listener and returns once it accepts connections. */
    MqttBroker start();

    /** The bound TCP port (useful with port 0); throws if the broker is not started. */
    int port();

    /** The bound address, as {@code host:port}. */
    String boundAddress();

    /** Publishes into the broker as if a client had sent it, without a network client. */
    void publish(Message message);

    /** Subscribes the embedding application; messages arrive on a broker-owned thread in publish order. */
    InProcessSubscription subscribe(String filter, QoS qos, MessageListener listener);

    /** The configuration the broker runs with. */
    BrokerConfig config();

    /** Stops accepting, closes every connection and releases every thread; returns within about one second. */
    @Override
    void close();
}
