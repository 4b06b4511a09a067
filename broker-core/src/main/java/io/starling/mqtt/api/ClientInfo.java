package io.starling.mqtt.api;

/** Who is asking: handed to authenticators and authorizers. The password is never part of it. */
public record ClientInfo(String clientId, String username, String remoteAddress) {}
