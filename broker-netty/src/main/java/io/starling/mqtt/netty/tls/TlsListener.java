package io.starling.mqtt.netty.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.starling.mqtt.api.Listener;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The TLS side of one listener: the server context used for new connections, replaceable at run time (certificate
 * reload), and the handler that reports failed handshakes. Connections keep the context they started with.
 */
public final class TlsListener {
    private final Listener listener;
    private final long handshakeTimeoutMillis;
    private final TlsHandshakeWatcher watcher;
    private volatile SslContext context;

    private TlsListener(Listener listener, SslContext context, Duration handshakeTimeout, Runnable failures) {
        this.listener = listener;
        this.context = context;
        this.handshakeTimeoutMillis = Math.max(1, handshakeTimeout.toMillis());
        this.watcher = new TlsHandshakeWatcher(listener.name(), failures);
    }

    /**
     * Reads the listener's files and builds its context.
     *
     * @param handshakeTimeout how long a peer may take to complete the handshake (the CONNECT timeout)
     * @param failures         where failed handshakes are counted (shared by a broker's listeners)
     */
    public static TlsListener open(Listener listener, Duration handshakeTimeout, Runnable failures) {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(failures, "failures");
        return new TlsListener(listener, TlsContextFactory.create(listener), handshakeTimeout, failures);
    }

    /**
     * Re-reads the files of every listener, then switches all of them to their new context; if any listener's
     * files fail, none is switched and the exception says which listener and file.
     *
     * @return how many listeners now use a freshly read context
     */
    public static int reloadAll(List<TlsListener> listeners) {
        SslContext[] fresh = new SslContext[listeners.size()];
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = TlsContextFactory.create(listeners.get(i).listener);
        }
        for (int i = 0; i < fresh.length; i++) {
            listeners.get(i).context = fresh[i];
        }
        return fresh.length;
    }

    /** The TLS handler for a new connection, with the current context; it must be the first in the pipeline. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler handler = context.newHandler(alloc);
        // The CONNECT timeout covers the handshake too (it starts when the TCP connection opens); this makes the
        // TLS layer give up at the same moment and say why.
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }

    /** Logs and counts failed handshakes and absorbs TLS errors; shared by the listener's connections. */
    public TlsHandshakeWatcher watcher() {
        return watcher;
    }

    public Listener listener() {
        return listener;
    }

    /** The context new connections get now. */
    public SslContext context() {
        return context;
    }

    /** "OpenSSL" or "JDK": the implementation the current context uses. */
    public String providerName() {
        return context instanceof ReferenceCountedOpenSslContext ? "OpenSSL" : "JDK";
    }
}
