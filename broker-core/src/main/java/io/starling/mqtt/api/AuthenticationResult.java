package io.starling.mqtt.api;

/** The outcome of authentication, mapped to CONNACK return codes 0x00, 0x04 and 0x05. */
public enum AuthenticationResult {
    ACCEPTED,
    BAD_USERNAME_OR_PASSWORD,
    NOT_AUTHORIZED
}
