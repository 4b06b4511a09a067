package io.starling.mqtt.api;

/** What the broker does with a PUBLISH the authorizer refuses [MQTT-3.3.5-2]; 3.1.1 has no negative ack. */
public enum UnauthorizedPublishPolicy {
    /** Acknowledge as the QoS requires and drop the message (the default, as Mosquitto does). */
    ACKNOWLEDGE_AND_DROP,
    /** Close the network connection. */
    DISCONNECT
}
