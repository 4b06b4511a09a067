package io.starling.mqtt.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.netty.channel.LoopExecutor;
import io.starling.mqtt.netty.channel.MqttInboundHandler;
import io.starling.mqtt.netty.codec.MqttFrameDecoder;
import io.starling.mqtt.netty.tls.TlsListener;
import io.starling.mqtt.netty.ws.WebSocketPipeline;

/**
 * The one place the pipeline is defined, one instance per listener. Handlers are installed once here and never added
 * or removed later, with one exception: on a WebSocket listener, Netty's handshake swaps the HTTP codec for the
 * WebSocket frame codec when the upgrade succeeds (and the upgrade check leaves with it).
 */
public final class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {
    public static final String TLS = "tls";
    public static final String TLS_WATCHER = "tls-watcher";
    public static final String FRAME_DECODER = "mqtt-frame-decoder";
    public static final String INBOUND = "mqtt-inbound";

    private final BrokerEngine engine;
    private final String listenerName;
    private final TlsListener tls;
    private final LoopExecutor.Registry executors;
    private final ChannelGroup connections;
    private final WebSocketPipeline webSocket;

    /** The pipeline of the plain default listener. */
    public MqttChannelInitializer(BrokerEngine engine) {
        this(engine, BrokerConfig.DEFAULT_LISTENER, null, new LoopExecutor.Registry(), null);
    }

    /**
     * @param listenerName the listener whose connections this initializes
     * @param tls          its TLS side, or null for plain TCP
     * @param executors    the broker's per-loop executors, shared by all its listeners (core compares them by
     *                     identity)
     * @param connections  where open connections are tracked so that the broker can close them, or null
     */
    public MqttChannelInitializer(BrokerEngine engine, String listenerName, TlsListener tls,
                                  LoopExecutor.Registry executors, ChannelGroup connections) {
        this(engine, listenerName, tls, null, executors, connections);
    }

    /**
     * @param webSocket the HTTP upgrade and WebSocket framing of a WebSocket listener, or null for MQTT straight on
     *                  the (TLS) connection
     */
    public MqttChannelInitializer(BrokerEngine engine, String listenerName, TlsListener tls,
                                  WebSocketPipeline webSocket, LoopExecutor.Registry executors,
                                  ChannelGroup connections) {
        this.webSocket = webSocket;
        this.engine = engine;
        this.listenerName = listenerName;
        this.tls = tls;
        this.executors = executors;
        this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        BrokerConfig config = engine.config();
        // Started in channelActive, at TCP connect: the deadline covers the TLS handshake and WebSocket upgrade too.
        KeepAliveTimer keepAlive = new KeepAliveTimer(config.connectTimeout().toNanos(), engine.stats()::onConnectTimeout);
        ChannelPipeline p = ch.pipeline();
        if (connections != null) {
            // Removed again by the group when the channel closes.
            connections.add(ch);
        }
        if (tls != null) {
            // Read once per connection: a certificate reload affects only connections accepted after it.
            p.addLast(TLS, tls.newHandler(ch.alloc()));
            p.addLast(TLS_WATCHER, tls.watcher());
        }
        if (webSocket != null) {
            // The CONNECT deadline, started at TCP connect, covers the HTTP upgrade as well.
            webSocket.addTo(p);
        }
        // Outbound packets are encoded by NettyClientChannel straight into its batch buffer and written from just
        // above the TLS handler, the WebSocket framing (or the head), so no encoder sits in the pipeline
        // (docs/decisions/0006-outbound-batching.md).
        p.addLast(FRAME_DECODER, new MqttFrameDecoder(config.maxPacketSize(), engine.stats()::onBytesReceived));
        p.addLast(INBOUND, new MqttInboundHandler(engine, keepAlive, executors, listenerName));
    }
}
