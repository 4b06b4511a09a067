package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.topic.TopicName;
import java.util.ArrayList;
import java.util.List;

/**
 * CONNECT: protocol name and level, connect flags, keep alive, then the payload fields in the order the flags
 * announce [MQTT-3.1.3-1]. Whether an empty client identifier is acceptable is the broker's decision, not ours.
 */
final class ConnectDecoder implements PacketDecoder {
    static final ConnectDecoder INSTANCE = new ConnectDecoder();

    private static final Field PROTOCOL_NAME = new Field("protocol name", "MQTT-3.1.2-1");
    private static final Field CLIENT_ID = new Field("client identifier", "MQTT-3.1.3-3", "MQTT-3.1.3-4");
    private static final Field WILL_TOPIC = new Field("will topic", "MQTT-3.1.2-9", "MQTT-3.1.3-10");
    private static final Field WILL_MESSAGE = new Field("will message", "MQTT-3.1.2-9");
    private static final Field USER_NAME = new Field("user name", "MQTT-3.1.2-19", "MQTT-3.1.3-11");
    private static final Field PASSWORD = new Field("password", "MQTT-3.1.2-21");
    private static final int MAX_ECHOED_CHARACTERS = 16;

    private ConnectDecoder() {}

    @Override
    public MqttPacket decode(PacketType type, int flags, ByteBuf body) {
        String protocolName = FieldReader.utf8(body, PROTOCOL_NAME);
        int level = protocolLevel(body, protocolName);
        ConnectFlags connectFlags = ConnectFlags.parse(FieldReader.unsignedByte(body, "connect flags"));
        int keepAlive = FieldReader.unsignedShort(body, "keep alive");

        String clientId = FieldReader.utf8(body, CLIENT_ID);
        Will will = null;
        if (connectFlags.will()) {
            TopicName willTopic = FieldReader.topicName(body, WILL_TOPIC);
            byte[] willMessage = FieldReader.binary(body, WILL_MESSAGE);
            will = new Will(willTopic, willMessage, connectFlags.willQos(), connectFlags.willRetain());
        }
        String userName = connectFlags.userName() ? FieldReader.utf8(body, USER_NAME) : null;
        byte[] password = connectFlags.password() ? FieldReader.binary(body, PASSWORD) : null;
        if (body.isReadable()) {
            throw trailingBytes(connectFlags, body.readableBytes());
        }
        return new Connect(protocolName, level, connectFlags.cleanSession(), keepAlive, clientId, will, userName,
                password);
    }

    /** The name is checked before the level is read: an unknown protocol's next byte means nothing to us. */
    private static int protocolLevel(ByteBuf body, String protocolName) {
        int expected;
        if (Connect.PROTOCOL_NAME_V311.equals(protocolName)) {
            expected = Connect.PROTOCOL_LEVEL_V311;
        } else if (Connect.PROTOCOL_NAME_V31.equals(protocolName)) {
            expected = Connect.PROTOCOL_LEVEL_V31;
        } else {
            throw new MalformedPacketException("protocol name \"" + printable(protocolName)
                    + "\" is neither \"MQTT\" nor \"MQIsdp\"", PROTOCOL_NAME.presenceId());
        }
        int level = FieldReader.unsignedByte(body, "protocol level");
        if (level != expected) {
            throw new UnsupportedProtocolLevelException(protocolName, level);
        }
        return level;
    }

    /** The reason ends up in a log line: keep a peer's arbitrary string short and free of control characters. */
    private static String printable(String peerText) {
        StringBuilder out = new StringBuilder();
        peerText.codePoints().limit(MAX_ECHOED_CHARACTERS)
                .forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return peerText.codePointCount(0, peerText.length()) > MAX_ECHOED_CHARACTERS ? out + "..." : out.toString();
    }

    /**
     * Bytes after the last field the flags announce can only be fields the flags say are absent; the reason names
     * the statements of every absent field that could come next, the first one being the statement ID.
     */
    private static MalformedPacketException trailingBytes(ConnectFlags flags, int count) {
        List<String> ids = new ArrayList<>(3);
        if (!flags.password()) {
            ids.add("MQTT-3.1.2-20");
            if (!flags.userName()) {
                ids.add(0, "MQTT-3.1.2-18");
                if (!flags.will()) {
                    ids.add(0, "MQTT-3.1.2-11");
                }
            }
        }
        if (ids.isEmpty()) {
            ids.add("MQTT-3.1.3-1");
        }
        StringBuilder reason = new StringBuilder()
                .append(count).append(" bytes follow the last payload field the connect flags announce");
        for (String id : ids) {
            reason.append(" [").append(id).append(']');
        }
        return new MalformedPacketException(reason.toString(), ids.get(0));
    }
}
