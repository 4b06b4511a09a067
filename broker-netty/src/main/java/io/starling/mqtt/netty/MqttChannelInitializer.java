package io.starling.mqtt.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.netty.channel.LoopExecutor;
import io.starling.mqtt.netty.channel.MqttInboundHandler;
import io.starling.mqtt.netty.codec.MqttEncoder;
import io.starling.mqtt.netty.codec.MqttFrameDecoder;

/** The one place the pipeline is defined. Handlers are installed once here and never added or removed later. */
public final class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {
    public static final String FRAME_DECODER = "mqtt-frame-decoder";
    public static final String ENCODER = "mqtt-encoder";
    public static final String IDLE_TIMEOUT = "idle-timeout";
    public static final String INBOUND = "mqtt-inbound";

    private final BrokerEngine engine;
    private final ChannelGroup channels;
    private final LoopExecutor.Registry executors = new LoopExecutor.Registry();

    public MqttChannelInitializer(BrokerEngine engine, ChannelGroup channels) {
        this.engine = engine;
        this.channels = channels;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        BrokerConfig config = engine.config();
        IdleTimeoutHandler idle = new IdleTimeoutHandler(config.connectTimeout().toNanos());
        ChannelPipeline p = ch.pipeline();
        p.addLast(FRAME_DECODER, new MqttFrameDecoder(config.maxPacketSize()));
        p.addLast(ENCODER, MqttEncoder.INSTANCE);
        p.addLast(IDLE_TIMEOUT, idle);
        p.addLast(INBOUND, new MqttInboundHandler(engine, idle, executors));
    }
}
