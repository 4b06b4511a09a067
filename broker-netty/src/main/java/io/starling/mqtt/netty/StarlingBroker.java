package io.starling.mqtt.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.InProcessSubscription;
import io.starling.mqtt.api.Listener;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.MessageListener;
import io.starling.mqtt.api.MqttBroker;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.engine.BrokerAdmin;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.spi.SessionStore;
import io.starling.mqtt.netty.channel.LoopExecutor;
import io.starling.mqtt.netty.tls.TlsListener;
import io.starling.mqtt.netty.ws.WebSocketPipeline;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embeddable broker: {@code StarlingBroker.builder().port(0).start()} binds a free port and returns once it
 * accepts connections. Each instance owns its threads; {@link #close()} releases all of them.
 */
public final class StarlingBroker implements MqttBroker {
    private static final Logger LOG = LoggerFactory.getLogger(StarlingBroker.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Netty's defaults for the first two; the third is a quarter of Netty's (see start()). */
    static final int MIN_READ_BYTES = 64;
    static final int INITIAL_READ_BYTES = 2048;
    static final int MAX_READ_BYTES = 16 * 1024;

    private final BrokerConfig config;
    private final BrokerEngine engine;
    private final Object lifecycle = new Object();
    /** Open client connections, closed explicitly on close(). */
    private final ChannelGroup connections = new DefaultChannelGroup("starling-connections",
            ImmediateEventExecutor.INSTANCE);
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private LoopLagProbe loadProbe;
    /** The bound listeners in configuration order; empty until started. */
    private List<Bound> bound = List.of();
    private List<TlsListener> tlsListeners = List.of();
    private boolean closed;

    /** A listener accepting connections. */
    private record Bound(Listener listener, Channel channel, InetSocketAddress address, TlsListener tls) {}

    private StarlingBroker(BrokerConfig config, SessionStore store) {
        this.config = config;
        // Restores what the store holds before any listener is bound.
        this.engine = new BrokerEngine(config, store);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A broker with this configuration, not yet started. */
    public static StarlingBroker create(BrokerConfig config) {
        return create(config, SessionStore.NONE);
    }

    /**
     * A broker whose persistent sessions, retained messages and wills live in {@code store} (for example the
     * broker-store module's {@code DurableSessionStore}); what the store holds is restored here, and the broker
     * closes the store when it closes. See docs/persistence.md.
     */
    public static StarlingBroker create(BrokerConfig config, SessionStore store) {
        return new StarlingBroker(Objects.requireNonNull(config, "config"), Objects.requireNonNull(store, "store"));
    }

    /**
     * Binds every listener of {@link BrokerConfig#listeners()} and returns once all accept connections. TLS files
     * are read first: a missing file, a wrong password or a key that does not match its certificate fails here with
     * a message naming the listener and the file; so does a port in use, after the listeners already bound are
     * closed again.
     */
    @Override
    public StarlingBroker start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("broker is closed");
            }
            if (!bound.isEmpty()) {
                return this;
            }
            List<Listener> listeners = config.listeners();
            // Before any thread exists: a TLS configuration error leaves nothing to clean up.
            Map<String, TlsListener> tls = new LinkedHashMap<>();
            for (Listener listener : listeners) {
                if (listener.isTls()) {
                    tls.put(listener.name(), TlsListener.open(listener, config.connectTimeout(), engine.stats()::onTlsHandshakeFailure));
                }
            }
            int id = INSTANCES.incrementAndGet();
            boolean epoll = config.nativeTransport() && Epoll.isAvailable();
            IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
            acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("starling-" + id + "-accept"), io);
            workers = new ResponsiveEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("starling-" + id + "-io"), io);
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    // TCP_NODELAY is Netty's default for accepted sockets on every platform but Android; setting it
                    // again would cost one more setsockopt per connection.
                    // Above the high mark a connection is not writable: QoS 0 deliveries are dropped, QoS 1/2 ones
                    // wait in the session, and the client's own packets wait unread (docs/flow-control.md).
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                            config.flowControl().outboundBufferBytes() / 2, config.flowControl().outboundBufferBytes()))
                    // One allocator for all connections (each still gets its own small handle). One read of at most
                    // 16 KiB per connection per loop turn, not Netty's 64 KiB: the packets of one read are handled
                    // in one go, and on a loop shared with a flooding publisher a light client's packet waits for
                    // that; 16 KiB of small PUBLISH packets is about 0.2 ms of work, 64 KiB about 1 ms. Measured: the
                    // same p2p throughput (docs/flow-control.md, "Latency under overload").
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(
                            MIN_READ_BYTES, INITIAL_READ_BYTES, MAX_READ_BYTES).maxMessagesPerRead(1));
            LoopExecutor.Registry executors = new LoopExecutor.Registry();
            List<Bound> opened = new ArrayList<>(listeners.size());
            for (Listener listener : listeners) {
                TlsListener listenerTls = tls.get(listener.name());
                WebSocketPipeline webSocket = listener.isWebSocket()
                        ? new WebSocketPipeline(config, listener.name(), listener.webSocket()) : null;
                ServerBootstrap forListener = bootstrap.clone()
                        .childHandler(new MqttChannelInitializer(engine, listener.name(), listenerTls, webSocket,
                                executors, connections));
                Channel channel;
                try {
                    channel = forListener.bind(listener.host(), listener.port()).syncUninterruptibly().channel();
                } catch (Exception e) {
                    // Netty rethrows the checked BindException undeclared; every failure leaves no thread and no
                    // other listener behind.
                    for (Bound b : opened) {
                        b.channel().close().syncUninterruptibly();
                    }
                    shutdownGroups();
                    throw new IllegalStateException("cannot bind " + listener.host() + ":" + listener.port()
                            + " for listener " + listener.name() + ": " + e.getMessage(), e);
                }
                opened.add(new Bound(listener, channel, (InetSocketAddress) channel.localAddress(), listenerTls));
            }
            bound = List.copyOf(opened);
            tlsListeners = List.copyOf(tls.values());
            if (config.flowControl().overloadProtection()) {
                loadProbe = new LoopLagProbe(workers);
                engine.flow().probe(loadProbe);
            }
            engine.start("starling-" + id);
            for (Bound b : bound) {
                LOG.info("Starling MQTT broker listening on {} (listener {}, {}{}, {} transport)", address(b),
                        b.listener().name(), b.tls() == null ? "plain" : "TLS " + String.join("/",
                                b.listener().tls().protocols()) + " via " + b.tls().providerName(),
                        b.listener().isWebSocket() ? ", WebSocket " + uri(b) : "", epoll ? "epoll" : "nio");
            }
            return this;
        }
    }

    /** The port of the first listener (the plain default one unless it is switched off). */
    @Override
    public int port() {
        return first().address().getPort();
    }

    /** {@code host:port} of the first listener. */
    @Override
    public String boundAddress() {
        return address(first());
    }

    /** {@code tcp://host:port} (or {@code ssl://} for TLS) of the first listener, ready for an MQTT client. */
    public String uri() {
        return uri(first());
    }

    /** The bound port of the named listener. */
    public int port(String listenerName) {
        return named(listenerName).address().getPort();
    }

    /** {@code host:port} of the named listener. */
    public String boundAddress(String listenerName) {
        return address(named(listenerName));
    }

    /**
     * The named listener's address for a client: {@code tcp://host:port}, {@code ssl://host:port} for TLS,
     * {@code ws://host:port/path} for WebSocket and {@code wss://host:port/path} for secure WebSocket.
     */
    public String uri(String listenerName) {
        return uri(named(listenerName));
    }

    /**
     * Re-reads the certificate and key files (and trust anchors) of every TLS listener and uses them for
     * connections accepted from now on; open connections keep theirs. All or nothing: if any listener's files
     * cannot be used, every listener keeps its current certificate and this throws, naming the listener and file.
     *
     * @return how many TLS listeners were reloaded (0 when there are none)
     */
    public int reloadTls() {
        List<TlsListener> listeners;
        synchronized (lifecycle) {
            if (bound.isEmpty()) {
                throw new IllegalStateException(closed ? "broker is closed" : "broker is not started");
            }
            listeners = tlsListeners;
        }
        int reloaded = TlsListener.reloadAll(listeners);
        LOG.info("TLS certificates reloaded for {} listener(s)", reloaded);
        return reloaded;
    }

    /** TLS handshakes that failed or never completed since start, all listeners together. */
    public long tlsHandshakeFailures() {
        return engine.stats().tlsHandshakeFailures();
    }

    private Bound first() {
        synchronized (lifecycle) {
            if (bound.isEmpty()) {
                throw new IllegalStateException("broker is not started");
            }
            return bound.get(0);
        }
    }

    private Bound named(String listenerName) {
        synchronized (lifecycle) {
            if (bound.isEmpty()) {
                throw new IllegalStateException("broker is not started");
            }
            for (Bound b : bound) {
                if (b.listener().name().equals(listenerName)) {
                    return b;
                }
            }
            throw new IllegalArgumentException("no listener named '" + listenerName + "'; listeners: "
                    + bound.stream().map(b -> b.listener().name()).toList());
        }
    }

    /**
     * {@code host:port} as bound. A wildcard address is shown as configured: an epoll socket asked for 0.0.0.0 is
     * bound dual-stack and would otherwise read {@code 0:0:0:0:0:0:0:0}, which is not what the user wrote.
     */
    private static String address(Bound b) {
        InetSocketAddress address = b.address();
        String host = address.getAddress().isAnyLocalAddress() ? b.listener().host() : address.getAddress().getHostAddress();
        return host + ":" + address.getPort();
    }

    private static String uri(Bound b) {
        String address = address(b);
        Listener listener = b.listener();
        String scheme = listener.isWebSocket() ? (b.tls() == null ? "ws://" : "wss://")
                : (b.tls() == null ? "tcp://" : "ssl://");
        return scheme
                + (address.contains(":") && address.indexOf(':') != address.lastIndexOf(':')
                ? "[" + address.substring(0, address.lastIndexOf(':')) + "]" + address.substring(address.lastIndexOf(':'))
                : address)
                + (listener.isWebSocket() ? listener.webSocket().path() : "");
    }

    @Override
    public void publish(Message message) {
        engine.publish(message);
    }

    @Override
    public InProcessSubscription subscribe(String filter, QoS qos, MessageListener listener) {
        return engine.subscribe(filter, qos, listener);
    }

    @Override
    public BrokerConfig config() {
        return config;
    }

    public BrokerStats stats() {
        return engine.stats();
    }

    /** Sessions, disconnects and retained messages for the embedding application. */
    public BrokerAdmin admin() {
        return engine.admin();
    }

    /** The domain engine, for admin and tests. */
    public BrokerEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (!bound.isEmpty()) {
                for (Bound b : bound) {
                    b.channel().close().syncUninterruptibly();
                }
                // Closed explicitly (TLS ones with a close_notify). Shutting the event loops down alone left a
                // just-connected client's socket open about one close in five, NIO and epoll alike: with a quiet
                // period of 0, a loop that is busy when the shutdown starts can end without closing its channels.
                connections.close().awaitUninterruptibly(500, TimeUnit.MILLISECONDS);
                shutdownGroups();
                LOG.info("Starling MQTT broker on {} stopped",
                        bound.stream().map(b -> address(b)).collect(Collectors.joining(", ")));
            }
            engine.close();
        }
    }

    private void shutdownGroups() {
        if (loadProbe != null) {
            loadProbe.stop();
        }
        var a = acceptor.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
        var w = workers.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
        a.awaitUninterruptibly(400, TimeUnit.MILLISECONDS);
        w.awaitUninterruptibly(400, TimeUnit.MILLISECONDS);
    }

    /** Fluent set-up; {@link #start()} builds and starts in one call. */
    public static final class Builder {
        private final BrokerConfig.Builder config = BrokerConfig.builder();
        private SessionStore store = SessionStore.NONE;

        private Builder() {}

        /** Keeps persistent sessions, retained messages and wills in {@code store} across restarts. */
        public Builder sessionStore(SessionStore value) {
            this.store = Objects.requireNonNull(value, "sessionStore");
            return this;
        }

        public Builder host(String host) {
            config.host(host);
            return this;
        }

        public Builder port(int port) {
            config.port(port);
            return this;
        }

        /** Any other setting of {@link BrokerConfig.Builder}. */
        public Builder configure(Consumer<BrokerConfig.Builder> settings) {
            settings.accept(config);
            return this;
        }

        public StarlingBroker build() {
            return new StarlingBroker(config.build(), store);
        }

        public StarlingBroker start() {
            return build().start();
        }
    }
}
