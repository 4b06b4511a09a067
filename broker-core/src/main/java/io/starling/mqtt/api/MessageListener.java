package io.starling.mqtt.api;

/** Receives messages for an in-process subscription. Called on a broker-owned thread, never an event loop. */
@FunctionalInterface
public interface MessageListener {
    void onMessage(Message message);
}
