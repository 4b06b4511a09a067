package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.topic.TopicFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * SUBSCRIBE: a packet identifier and one or more filter/requested-QoS pairs. A syntactically invalid filter makes
 * the whole packet malformed and closes the connection: our documented choice over answering 0x80 for that
 * filter, because a client that sends one is broken and a failure code would let it carry on unnoticed.
 */
final class SubscribeDecoder implements PacketDecoder {
    static final SubscribeDecoder INSTANCE = new SubscribeDecoder();

    private static final Field FILTER = new Field("topic filter", "MQTT-3.8.3-1", "MQTT-3.8.3-1");
    private static final int QOS_RESERVED_BITS = 0xFC;

    private SubscribeDecoder() {}

    @Override
    public MqttPacket decode(PacketType type, int flags, ByteBuf body) {
        int packetId = FieldReader.packetId(body, type);
        if (!body.isReadable()) {
            throw new MalformedPacketException("SUBSCRIBE carries no topic filter", "MQTT-3.8.3-3");
        }
        List<Subscription> subscriptions = new ArrayList<>();
        while (body.isReadable()) {
            TopicFilter filter = FieldReader.topicFilter(body, FILTER);
            subscriptions.add(new Subscription(filter, requestedQos(body, filter)));
        }
        return new Subscribe(packetId, subscriptions);
    }

    private static QoS requestedQos(ByteBuf body, TopicFilter filter) {
        int requested = FieldReader.unsignedByte(body, "requested QoS");
        if ((requested & QOS_RESERVED_BITS) != 0 || requested == 3) {
            throw new MalformedPacketException("requested QoS byte 0x" + Integer.toHexString(requested)
                    + " for filter " + filter + " is not 0, 1 or 2", "MQTT-3.8.3-4");
        }
        return QoS.of(requested);
    }
}
