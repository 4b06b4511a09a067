package io.starling.mqtt.session;

/** The live connection a session is attached to, as the session sees it. Called on the session's executor. */
public interface SessionOwner {
    /** Another connection took the session (or its client id) over: end this connection [MQTT-3.1.4-2]. */
    void onTakenOver();

    /** The session was discarded (queue overflow policy): end this connection so the client learns of it. */
    void onSessionDiscarded();

    /** The embedding application asked to disconnect this client; the session stays as it is. */
    void onAdminDisconnect();

    /** Who the client is (user name included), for the authorizer's delivery checks. */
    io.starling.mqtt.api.ClientInfo client();

    /** The client id, for logs. */
    String clientId();
}
