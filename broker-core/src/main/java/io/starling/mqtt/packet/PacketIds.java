package io.starling.mqtt.packet;

/** Packet identifier checks [MQTT-2.3.1-1]. */
public final class PacketIds {
    public static final int MIN = 1;
    public static final int MAX = 65_535;

    private PacketIds() {}

    public static int require(int packetId) {
        if (packetId < MIN || packetId > MAX) {
            throw new IllegalArgumentException("packet identifier must be 1..65535, was " + packetId + " [MQTT-2.3.1-1]");
        }
        return packetId;
    }
}
