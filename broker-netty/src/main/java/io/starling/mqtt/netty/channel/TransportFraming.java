package io.starling.mqtt.netty.channel;

import io.netty.channel.ChannelHandler;

/**
 * A handler that wraps the connection's outbound MQTT bytes for its transport, as the WebSocket listener's binary
 * frames do. {@link NettyClientChannel} writes its batches from just above the last such handler (or the TLS
 * handler), so they always pass through it.
 */
public interface TransportFraming extends ChannelHandler {
}
