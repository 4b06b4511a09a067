package io.starling.mqtt.packet;

import java.util.List;

/** SUBACK: one return code per filter, in order [MQTT-3.9.3-1]; each is 0x00, 0x01, 0x02 or 0x80 [MQTT-3.9.3-2]. */
public record SubAck(int packetId, List<Integer> returnCodes) implements MqttPacket {
    public static final int FAILURE = 0x80;

    public SubAck {
        PacketIds.require(packetId);
        returnCodes = List.copyOf(returnCodes);
        if (returnCodes.isEmpty()) {
            throw new IllegalArgumentException("SUBACK needs at least one return code");
        }
        for (int code : returnCodes) {
            if (code != 0 && code != 1 && code != 2 && code != FAILURE) {
                throw new IllegalArgumentException("SUBACK return code must be 0x00, 0x01, 0x02 or 0x80 [MQTT-3.9.3-2], was " + code);
            }
        }
    }

    @Override
    public PacketType type() {
        return PacketType.SUBACK;
    }
}
