package io.starling.mqtt.netty.codec;

import io.netty.buffer.ByteBuf;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.PacketType;
import io.starling.mqtt.packet.Will;

/** CONNECT, with the flags derived from which optional fields are present so they cannot disagree. */
final class ConnectEncoder {
    private static final int VARIABLE_HEADER_AFTER_NAME = 1 + 1 + 2; // level, flags, keep alive

    private ConnectEncoder() {}

    static ByteBuf encode(BufferSource alloc, Connect connect) {
        byte[] protocolName = Encoding.utf8(connect.protocolName(), "protocol name");
        byte[] clientId = Encoding.utf8(connect.clientId(), "client identifier");
        Will will = connect.will();
        byte[] willTopic = will == null ? null : will.topic().utf8();
        byte[] willMessage = will == null ? null : Encoding.checkLength(will.payload(), "will message");
        byte[] userName = connect.username() == null ? null : Encoding.utf8(connect.username(), "user name");
        byte[] password = connect.password() == null ? null : Encoding.checkLength(connect.password(), "password");

        long remaining = Encoding.LENGTH_PREFIX + protocolName.length + VARIABLE_HEADER_AFTER_NAME
                + prefixed(clientId) + prefixed(willTopic) + prefixed(willMessage) + prefixed(userName)
                + prefixed(password);
        ByteBuf buf = Encoding.fixedHeader(alloc, PacketType.CONNECT.value() << 4, remaining);
        Encoding.writePrefixed(buf, protocolName);
        buf.writeByte(connect.protocolLevel());
        buf.writeByte(flags(connect));
        buf.writeShort(connect.keepAliveSeconds());
        Encoding.writePrefixed(buf, clientId);
        if (will != null) {
            Encoding.writePrefixed(buf, willTopic);
            Encoding.writePrefixed(buf, willMessage);
        }
        if (userName != null) {
            Encoding.writePrefixed(buf, userName);
        }
        if (password != null) {
            Encoding.writePrefixed(buf, password);
        }
        return buf;
    }

    private static int flags(Connect connect) {
        int flags = connect.cleanSession() ? ConnectFlags.CLEAN_SESSION : 0;
        Will will = connect.will();
        if (will != null) {
            flags |= ConnectFlags.WILL | will.qos().value() << ConnectFlags.WILL_QOS_SHIFT;
            flags |= will.retain() ? ConnectFlags.WILL_RETAIN : 0;
        }
        flags |= connect.username() != null ? ConnectFlags.USER_NAME : 0;
        flags |= connect.password() != null ? ConnectFlags.PASSWORD : 0;
        return flags;
    }

    private static int prefixed(byte[] field) {
        return field == null ? 0 : Encoding.LENGTH_PREFIX + field.length;
    }
}
