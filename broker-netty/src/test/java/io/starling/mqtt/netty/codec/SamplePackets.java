package io.starling.mqtt.netty.codec;

import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.ConnectReturnCode;
import io.starling.mqtt.packet.Disconnect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PingReq;
import io.starling.mqtt.packet.PingResp;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.PubComp;
import io.starling.mqtt.packet.PubRec;
import io.starling.mqtt.packet.PubRel;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.packet.SubAck;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.packet.UnsubAck;
import io.starling.mqtt.packet.Unsubscribe;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Valid packets of all fourteen types, with the field combinations worth a round trip each. */
final class SamplePackets {
    private SamplePackets() {}

    static List<MqttPacket> all() {
        TopicName topic = TopicName.of("sensors/\u00e9t\u00e9/1");
        return List.of(
                new Connect("MQTT", 4, true, 60, "client-1", null, null, null),
                new Connect("MQTT", 4, false, 0, "", null, null, null),
                new Connect("MQIsdp", 3, true, 65_535, "legacy", null, null, null),
                new Connect("MQTT", 4, true, 30, "c", new Will(topic, new byte[] {1, 2}, QoS.EXACTLY_ONCE, true),
                        "user", new byte[] {9, 8, 7}),
                new Connect("MQTT", 4, false, 10, "\uFEFFc", new Will(topic, new byte[0], QoS.AT_LEAST_ONCE, false),
                        "", new byte[0]),
                new ConnAck(false, ConnectReturnCode.ACCEPTED),
                new ConnAck(true, ConnectReturnCode.ACCEPTED),
                ConnAck.refuse(ConnectReturnCode.NOT_AUTHORIZED),
                new Publish(topic, QoS.AT_MOST_ONCE, false, false, 0, new byte[0]),
                new Publish(topic, QoS.AT_MOST_ONCE, false, true, 0, new byte[] {0, 1, 2}),
                new Publish(TopicName.of("a"), QoS.AT_LEAST_ONCE, true, false, 1, new byte[200]),
                new Publish(TopicName.of("$SYS/x"), QoS.EXACTLY_ONCE, false, true, 65_535, new byte[20_000]),
                new PubAck(1),
                new PubRec(300),
                new PubRel(65_535),
                new PubComp(42),
                new Subscribe(7, List.of(new Subscription(TopicFilter.of("a/+/c"), QoS.AT_MOST_ONCE))),
                new Subscribe(8, List.of(new Subscription(TopicFilter.of("#"), QoS.EXACTLY_ONCE),
                        new Subscription(TopicFilter.of("x/y"), QoS.AT_LEAST_ONCE))),
                new SubAck(7, List.of(0)),
                new SubAck(8, List.of(2, 1, 0, SubAck.FAILURE)),
                new Unsubscribe(9, List.of(TopicFilter.of("a/+/c"))),
                new Unsubscribe(10, List.of(TopicFilter.of("#"), TopicFilter.of("/"))),
                new UnsubAck(9),
                PingReq.INSTANCE,
                PingResp.INSTANCE,
                Disconnect.INSTANCE);
    }

    /** For {@code @MethodSource}: one argument per packet, displayed by its toString. */
    static Stream<Arguments> asArguments() {
        return all().stream().map(Arguments::of);
    }
}
