package io.starling.mqtt.packet;

/** Control packet types with their wire value and the fixed-header flags the standard requires (Table 2.2). */
public enum PacketType {
    CONNECT(1, 0b0000),
    CONNACK(2, 0b0000),
    PUBLISH(3, -1),
    PUBACK(4, 0b0000),
    PUBREC(5, 0b0000),
    PUBREL(6, 0b0010),
    PUBCOMP(7, 0b0000),
    SUBSCRIBE(8, 0b0010),
    SUBACK(9, 0b0000),
    UNSUBSCRIBE(10, 0b0010),
    UNSUBACK(11, 0b0000),
    PINGREQ(12, 0b0000),
    PINGRESP(13, 0b0000),
    DISCONNECT(14, 0b0000);

    private static final PacketType[] BY_VALUE = new PacketType[16];

    static {
        for (PacketType t : values()) {
            BY_VALUE[t.value] = t;
        }
    }

    private final int value;
    private final int requiredFlags;

    PacketType(int value, int requiredFlags) {
        this.value = value;
        this.requiredFlags = requiredFlags;
    }

    public int value() {
        return value;
    }

    /** The reserved flag bits this type must carry [MQTT-2.2.2-1]; -1 for PUBLISH, whose flags carry meaning. */
    public int requiredFlags() {
        return requiredFlags;
    }

    /** The type for a wire value, or null for the reserved values 0 and 15. */
    public static PacketType of(int value) {
        return value >= 0 && value < 16 ? BY_VALUE[value] : null;
    }
}
