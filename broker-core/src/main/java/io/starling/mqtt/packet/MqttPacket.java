package io.starling.mqtt.packet;

/** One MQTT 3.1.1 control packet, immutable; invariants are checked when constructed. */
public sealed interface MqttPacket
        permits Connect, ConnAck, Publish, PubAck, PubRec, PubRel, PubComp, Subscribe, SubAck, Unsubscribe,
        UnsubAck, PingReq, PingResp, Disconnect {

    PacketType type();
}
