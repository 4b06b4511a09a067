package io.starling.mqtt.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * One address the broker accepts MQTT connections on: plain TCP, or TLS when {@link #tls()} is set.
 *
 * @param name a short label for logs and the admin API, unique within a broker
 * @param host the address to bind; {@code 0.0.0.0} or {@code ::} for every interface
 * @param port the TCP port; 0 picks a free one
 * @param tls  TLS settings, or null for plain TCP
 */
public record Listener(String name, String host, int port, TlsSettings tls) {
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

    public static Listener tcp(String name, String host, int port) {
        return new Listener(name, host, port, null);
    }

    public static Listener tls(String name, String host, int port, TlsSettings tls) {
        return new Listener(name, host, port, Objects.requireNonNull(tls, "tls"));
    }

    public boolean isTls() {
        return tls != null;
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
