package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.topic.TopicName;

/** PUBLISH: flags DUP/QoS/RETAIN, a topic name, a packet identifier for QoS 1 and 2, and the rest as payload. */
final class PublishDecoder implements PacketDecoder {
    static final PublishDecoder INSTANCE = new PublishDecoder();

    private static final int RETAIN = 0x01;
    private static final int QOS_MASK = 0x06;
    private static final int QOS_SHIFT = 1;
    private static final int DUP = 0x08;
    private static final int QOS_RESERVED = 3;
    // The topic rules themselves come from TopicName, whose reasons name [MQTT-3.3.2-2] and [MQTT-4.7.x].
    private static final Field TOPIC = new Field("topic name", "MQTT-3.3.2-1");

    private PublishDecoder() {}

    @Override
    public MqttPacket decode(PacketType type, int flags, ByteBuf body) {
        int qosBits = (flags & QOS_MASK) >>> QOS_SHIFT;
        if (qosBits == QOS_RESERVED) {
            throw new MalformedPacketException("PUBLISH QoS bits are both set", "MQTT-3.3.1-4");
        }
        QoS qos = QoS.of(qosBits);
        boolean dup = (flags & DUP) != 0;
        if (dup && qos == QoS.AT_MOST_ONCE) {
            // The standard only says the sender MUST NOT; closing is our strict reading of it.
            throw new MalformedPacketException("PUBLISH with QoS 0 has DUP set", "MQTT-3.3.1-2");
        }
        TopicName topic = FieldReader.topicName(body, TOPIC);
        int packetId = qos == QoS.AT_MOST_ONCE ? 0 : FieldReader.packetId(body, type);
        byte[] payload = new byte[body.readableBytes()];
        body.readBytes(payload);
        return new Publish(topic, qos, dup, (flags & RETAIN) != 0, packetId, payload);
    }
}
