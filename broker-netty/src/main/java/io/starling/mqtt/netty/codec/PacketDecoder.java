package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;

/**
 * Decodes the body of one complete frame. Implementations are stateless and shared; they copy what they keep and
 * never retain {@code body}, and they throw {@link MalformedPacketException} rather than return a partial result.
 */
interface PacketDecoder {
    /**
     * @param type  the packet type from the fixed header
     * @param flags the low nibble of the fixed header's first byte
     * @param body  exactly the remaining-length bytes of this packet
     */
    MqttPacket decode(PacketType type, int flags, ByteBuf body);
}
