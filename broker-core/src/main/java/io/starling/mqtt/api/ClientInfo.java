package io.starling.mqtt.api;

/** Who is asking: handed to authenticators and authorizers. The password is never part of it. */
public record ClientInfo(String clientId, String username, String remoteAddress) {
    /** The publisher of messages the embedding application publishes in-process. */
    public static final ClientInfo IN_PROCESS = new ClientInfo("(in-process)", null, "in-process");
}
