/**
 * The MQTT 3.1.1 wire codec: {@link io.starling.mqtt.netty.codec.MqttFrameDecoder} frames the byte stream, checks
 * the size limit on the declared length before buffering a body, and hands each frame to one small strict decoder
 * per packet type; {@link io.starling.mqtt.netty.codec.MqttEncoder} writes exactly-sized buffers. Every byte the
 * core needs is copied out of the {@code ByteBuf}, so no reference-counted object leaves this package. Threading:
 * a frame decoder holds per-channel state and runs only on its channel's event loop (never share one instance);
 * the per-type decoders and the encoder are stateless and shared by all channels and loops.
 */
package io.starling.mqtt.netty.codec;
