package io.starling.mqtt.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.BrokerStats;
import io.starling.mqtt.api.InProcessSubscription;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.MessageListener;
import io.starling.mqtt.api.MqttBroker;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.engine.BrokerAdmin;
import io.starling.mqtt.engine.BrokerEngine;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    private final BrokerConfig config;
    private final BrokerEngine engine;
    private final Object lifecycle = new Object();
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private Channel serverChannel;
    private InetSocketAddress bound;
    private boolean closed;

    private StarlingBroker(BrokerConfig config) {
        this.config = config;
        this.engine = new BrokerEngine(config);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A broker with this configuration, not yet started. */
    public static StarlingBroker create(BrokerConfig config) {
        return new StarlingBroker(Objects.requireNonNull(config, "config"));
    }

    @Override
    public StarlingBroker start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("broker is closed");
            }
            if (serverChannel != null) {
                return this;
            }
            int id = INSTANCES.incrementAndGet();
            boolean epoll = config.nativeTransport() && Epoll.isAvailable();
            IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
            acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("starling-" + id + "-accept"), io);
            workers = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("starling-" + id + "-io"), io);
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    // TCP_NODELAY is Netty's default for accepted sockets on every platform but Android; setting it
                    // again would cost one more setsockopt per connection.
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                    // One allocator for all connections (each still gets its own small handle).
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator())
                    .childHandler(new MqttChannelInitializer(engine));
            try {
                serverChannel = bootstrap.bind(config.host(), config.port()).syncUninterruptibly().channel();
            } catch (Exception e) {
                // Netty rethrows the checked BindException undeclared; every failure leaves no thread behind.
                shutdownGroups();
                throw new IllegalStateException("cannot bind " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
            }
            bound = (InetSocketAddress) serverChannel.localAddress();
            engine.start("starling-" + id);
            LOG.info("Starling MQTT broker listening on {} ({} transport)", boundAddress(), epoll ? "epoll" : "nio");
            return this;
        }
    }

    @Override
    public int port() {
        synchronized (lifecycle) {
            if (bound == null) {
                throw new IllegalStateException("broker is not started");
            }
            return bound.getPort();
        }
    }

    @Override
    public String boundAddress() {
        synchronized (lifecycle) {
            if (bound == null) {
                throw new IllegalStateException("broker is not started");
            }
            return bound.getAddress().getHostAddress() + ":" + bound.getPort();
        }
    }

    /** {@code tcp://host:port}, ready for an MQTT client. */
    public String uri() {
        String address = boundAddress();
        return "tcp://" + (address.contains(":") && address.indexOf(':') != address.lastIndexOf(':')
                ? "[" + address.substring(0, address.lastIndexOf(':')) + "]" + address.substring(address.lastIndexOf(':'))
                : address);
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
            if (serverChannel != null) {
                serverChannel.close().syncUninterruptibly();
                // Shutting the event loops down closes every connection registered with them.
                shutdownGroups();
                LOG.info("Starling MQTT broker on {}:{} stopped", bound.getAddress().getHostAddress(), bound.getPort());
            }
            engine.close();
        }
    }

    private void shutdownGroups() {
        var a = acceptor.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
        var w = workers.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
        a.awaitUninterruptibly(400, TimeUnit.MILLISECONDS);
        w.awaitUninterruptibly(400, TimeUnit.MILLISECONDS);
    }

    /** Fluent set-up; {@link #start()} builds and starts in one call. */
    public static final class Builder {
        private final BrokerConfig.Builder config = BrokerConfig.builder();

        private Builder() {}

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
            return new StarlingBroker(config.build());
        }

        public StarlingBroker start() {
            return build().start();
        }
    }
}
