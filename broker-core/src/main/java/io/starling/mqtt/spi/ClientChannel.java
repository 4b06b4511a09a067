package io.starling.mqtt.spi;

import io.starling.mqtt.packet.MqttPacket;
import java.util.concurrent.Executor;

/**
 * One network connection as core sees it, implemented by the transport. Every method is called on
 * {@link #executor()} only, the thread that owns the connection and the session bound to it.
 */
public interface ClientChannel {
    /** Queues a packet for sending; the transport flushes once per batch of work, not once per packet. */
    void write(MqttPacket packet);

    /** Whether the transport can take more bytes now; QoS 0 deliveries are dropped (and counted) when it cannot. */
    boolean isWritable();

    /** Sends what is queued, then closes the connection. Idempotent. */
    void close();

    /** The thread (event loop) that owns this connection. */
    Executor executor();

    /** {@code host:port} of the peer, for logs and authorizers. */
    String remoteAddress();

    /** Stops reading from the peer (TCP back-pressure), e.g. while an authenticator answers. */
    void pauseReading();

    void resumeReading();

    /**
     * Replaces the CONNECT timeout by the keep-alive deadline: the connection is closed after 1.5 times
     * {@code seconds} of silence [MQTT-3.1.2-24]; 0 switches the check off.
     */
    void keepAlive(int seconds);

    /** The name of the {@link io.starling.mqtt.api.Listener} that accepted this connection. */
    default String listenerName() {
        return io.starling.mqtt.api.BrokerConfig.DEFAULT_LISTENER;
    }

    /**
     * The client's certificate chain, verified by the TLS handshake, client certificate first; empty on plain
     * connections and on TLS connections without a client certificate.
     */
    default java.util.List<java.security.cert.X509Certificate> peerCertificates() {
        return java.util.List.of();
    }

    /**
     * Runs {@code task} on {@link #executor()} after {@code delayNanos} (a rate-limited connection's resume). The
     * default hands it over from one shared timer thread; a transport with its own timers (Netty's event loops)
     * uses them.
     */
    default void schedule(Runnable task, long delayNanos) {
        Executor executor = executor();
        SharedTimer.INSTANCE.schedule(() -> executor.execute(task), delayNanos,
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
