package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.SubAck;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.packet.Unsubscribe;
import io.starling.mqtt.topic.TopicFilter;
import java.util.List;

/** The list-carrying packets: SUBSCRIBE, SUBACK and UNSUBSCRIBE. */
final class SubscriptionEncoder {
    private static final int REQUESTED_QOS = 1;

    private SubscriptionEncoder() {}

    static ByteBuf subscribe(BufferSource alloc, Subscribe subscribe) {
        List<Subscription> subscriptions = subscribe.subscriptions();
        byte[][] filters = new byte[subscriptions.size()][];
        long remaining = Encoding.PACKET_ID;
        for (int i = 0; i < filters.length; i++) {
            filters[i] = utf8(subscriptions.get(i).filter());
            remaining += Encoding.LENGTH_PREFIX + filters[i].length + REQUESTED_QOS;
        }
        ByteBuf buf = Encoding.fixedHeader(alloc, firstByte(PacketType.SUBSCRIBE), remaining);
        buf.writeShort(subscribe.packetId());
        for (int i = 0; i < filters.length; i++) {
            Encoding.writePrefixed(buf, filters[i]);
            buf.writeByte(subscriptions.get(i).qos().value());
        }
        return buf;
    }

    static ByteBuf unsubscribe(BufferSource alloc, Unsubscribe unsubscribe) {
        List<TopicFilter> filterList = unsubscribe.filters();
        byte[][] filters = new byte[filterList.size()][];
        long remaining = Encoding.PACKET_ID;
        for (int i = 0; i < filters.length; i++) {
            filters[i] = utf8(filterList.get(i));
            remaining += Encoding.LENGTH_PREFIX + filters[i].length;
        }
        ByteBuf buf = Encoding.fixedHeader(alloc, firstByte(PacketType.UNSUBSCRIBE), remaining);
        buf.writeShort(unsubscribe.packetId());
        for (byte[] filter : filters) {
            Encoding.writePrefixed(buf, filter);
        }
        return buf;
    }

    static ByteBuf subAck(BufferSource alloc, SubAck subAck) {
        List<Integer> codes = subAck.returnCodes();
        ByteBuf buf = Encoding.fixedHeader(alloc, firstByte(PacketType.SUBACK), Encoding.PACKET_ID + codes.size());
        buf.writeShort(subAck.packetId());
        for (int code : codes) {
            buf.writeByte(code);
        }
        return buf;
    }

    private static byte[] utf8(TopicFilter filter) {
        return Encoding.utf8(filter.value(), "topic filter");
    }

    private static int firstByte(PacketType type) {
        return type.value() << 4 | type.requiredFlags();
    }
}
