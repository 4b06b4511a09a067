package io.starling.mqtt.examples;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.TlsSettings;
import io.starling.mqtt.api.WebSocketSettings;

/**
 * The standalone broker's WebSocket listeners, from {@code --ws-port} and the configuration file's {@code ws_*} and
 * {@code wss_port} keys. Kept apart from the builder until the command line is read, because the listeners bind
 * on the final {@code host} ({@code --host} overrides the file's) unless {@code ws_host} says otherwise.
 */
final class WebSocketOptions {
    /** Listener names, as logs and {@code StarlingBroker.uri(name)} know them. */
    static final String WS = "ws";
    static final String WSS = "wss";

    String host;
    Integer port;
    Integer securePort;
    /** The certificate of {@code wss_port}: the file's {@code tls_*} keys. */
    TlsSettings tls;
    WebSocketSettings settings = WebSocketSettings.defaults();

    boolean any() {
        return port != null || securePort != null;
    }

    /** Adds the configured listeners to {@code builder}, on {@code defaultHost} unless {@code ws_host} is set. */
    void addListeners(BrokerConfig.Builder builder, String defaultHost) {
        String bind = host != null ? host : defaultHost;
        if (port != null) {
            builder.listener(Listener.webSocket(WS, bind, port, settings));
        }
        if (securePort != null) {
            builder.listener(Listener.secureWebSocket(WSS, bind, securePort, tls, settings));
        }
    }
}
