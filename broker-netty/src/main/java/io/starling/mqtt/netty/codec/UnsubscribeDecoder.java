package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.Unsubscribe;
import io.starling.mqtt.topic.TopicFilter;
import java.util.ArrayList;
import java.util.List;

/** UNSUBSCRIBE: a packet identifier and one or more topic filters. */
final class UnsubscribeDecoder implements PacketDecoder {
    static final UnsubscribeDecoder INSTANCE = new UnsubscribeDecoder();

    private static final Field FILTER = new Field("topic filter", "MQTT-3.10.3-1", "MQTT-3.10.3-1");

    private UnsubscribeDecoder() {}

    @Override
    public MqttPacket decode(PacketType type, int flags, ByteBuf body) {
        int packetId = FieldReader.packetId(body, type);
        if (!body.isReadable()) {
            throw new MalformedPacketException("UNSUBSCRIBE carries no topic filter", "MQTT-3.10.3-2");
        }
        List<TopicFilter> filters = new ArrayList<>();
        while (body.isReadable()) {
            filters.add(FieldReader.topicFilter(body, FILTER));
        }
        return new Unsubscribe(packetId, filters);
    }
}
