package io.starling.mqtt.topic;

/** A topic name or topic filter that breaks a rule of section 4.7 of MQTT 3.1.1. */
public final class InvalidTopicException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidTopicException(String message) {
        super(message);
    }
}
