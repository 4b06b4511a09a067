package io.starling.mqtt.packet;

import java.util.Objects;

/** CONNACK. A refusal always has session-present 0 [MQTT-3.2.2-4]. */
public record ConnAck(boolean sessionPresent, ConnectReturnCode returnCode) implements MqttPacket {
    public ConnAck {
        Objects.requireNonNull(returnCode, "returnCode");
        if (sessionPresent && returnCode != ConnectReturnCode.ACCEPTED) {
            throw new IllegalArgumentException("a refusing CONNACK has session present 0 [MQTT-3.2.2-4]");
        }
    }

    public static ConnAck refuse(ConnectReturnCode code) {
        return new ConnAck(false, code);
    }

    @Override
    public PacketType type() {
        return PacketType.CONNACK;
    }
}
