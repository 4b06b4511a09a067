package io.starling.mqtt.netty.codec;

import io.starling.mqtt.packet.PacketType;
import java.util.EnumMap;
import java.util.Map;

/**
 * Checks the fixed header's first byte on its own, so a bad type or bad flags fail before any length is read
 * [MQTT-2.2.2-1] [MQTT-2.2.2-2]. PUBLISH flags carry meaning and are left to {@link PublishDecoder}.
 */
final class FixedHeaderFlags {
    private static final String GENERAL_ID = "MQTT-2.2.2-2";
    /** Types whose section restates the flag rule with its own statement. */
    private static final Map<PacketType, String> TYPE_IDS = new EnumMap<>(Map.of(
            PacketType.PUBREL, "MQTT-3.6.1-1",
            PacketType.SUBSCRIBE, "MQTT-3.8.1-1",
            PacketType.UNSUBSCRIBE, "MQTT-3.10.1-1",
            PacketType.DISCONNECT, "MQTT-3.14.1-1"));

    private FixedHeaderFlags() {}

    /** The packet type of {@code firstByte}; throws if the type is reserved or the reserved flags are wrong. */
    static PacketType check(int firstByte) {
        int value = firstByte >>> 4;
        PacketType type = PacketType.of(value);
        if (type == null) {
            throw new MalformedPacketException("packet type " + value + " is reserved and forbidden (Table 2.1)");
        }
        int flags = firstByte & 0x0F;
        if (type != PacketType.PUBLISH && flags != type.requiredFlags()) {
            String typeId = TYPE_IDS.get(type);
            String reason = type + " fixed header flags must be " + bits(type.requiredFlags()) + ", were "
                    + bits(flags) + (typeId == null ? "" : " [" + typeId + "]") + " [MQTT-2.2.2-1] [" + GENERAL_ID + "]";
            throw new MalformedPacketException(reason, typeId == null ? GENERAL_ID : typeId);
        }
        return type;
    }

    private static String bits(int nibble) {
        return String.format("%4s", Integer.toBinaryString(nibble)).replace(' ', '0');
    }
}
