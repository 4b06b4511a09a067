package io.starling.mqtt.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * One address the broker accepts MQTT connections on: plain TCP, or TLS when {@link #tls()} is set; MQTT over
 * WebSocket when {@link #webSocket()} is set (over TLS too: secure WebSocket).
 *
 * @param name      a short label for logs and the admin API, unique within a broker
 * @param host      the address to bind; {@code 0.0.0.0} or {@code ::} for every interface
 * @param port      the TCP port; 0 picks a free one
 * @param tls       TLS settings, or null for plain TCP
 * @param webSocket WebSocket settings, or null for MQTT straight on the (TLS) connection
 */
public record Listener(String name, String host, int port, TlsSettings tls, WebSocketSettings webSocket) {
    public Listener {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (name.isBlank()) {
            throw new IllegalArgumentException("listener name must not be blank");
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("listener " + name + ": host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("listener " + name + ": port must be 0..65535, was " + port);
        }
    }

    /** A plain MQTT (or TLS, when {@code tls} is set) listener, as before WebSocket listeners existed. */
    public Listener(String name, String host, int port, TlsSettings tls) {
        this(name, host, port, tls, null);
    }

    public static Listener tcp(String name, String host, int port) {
        return new Listener(name, host, port, null, null);
    }

    public static Listener tls(String name, String host, int port, TlsSettings tls) {
        return new Listener(name, host, port, Objects.requireNonNull(tls, "tls"), null);
    }

    /** MQTT over WebSocket ({@code ws://host:port/mqtt}) with the default settings. */
    public static Listener webSocket(String name, String host, int port) {
        return webSocket(name, host, port, WebSocketSettings.defaults());
    }

    public static Listener webSocket(String name, String host, int port, WebSocketSettings webSocket) {
        return new Listener(name, host, port, null, Objects.requireNonNull(webSocket, "webSocket"));
    }

    /** MQTT over secure WebSocket ({@code wss://host:port/mqtt}) with the default WebSocket settings. */
    public static Listener secureWebSocket(String name, String host, int port, TlsSettings tls) {
        return secureWebSocket(name, host, port, tls, WebSocketSettings.defaults());
    }

    public static Listener secureWebSocket(String name, String host, int port, TlsSettings tls,
                                           WebSocketSettings webSocket) {
        return new Listener(name, host, port, Objects.requireNonNull(tls, "tls"),
                Objects.requireNonNull(webSocket, "webSocket"));
    }

    public boolean isTls() {
        return tls != null;
    }

    public boolean isWebSocket() {
        return webSocket != null;
    }

    /**
     * Whether only this machine can reach the listener: its address is a loopback address. A name that does not
     * resolve counts as not loopback, so the safe default (authentication required) applies.
     */
    public boolean isLoopback() {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
