package io.starling.mqtt.netty.codec;

import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.ConnectReturnCode;
import io.starling.mqtt.packet.Disconnect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PacketType;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Valid packets with random fields from a seed, so a failing differential case can be replayed exactly. */
final class RandomPackets {
    /** ASCII, Latin-1, a three-byte and a four-byte character (a surrogate pair), and the $ of system topics. */
    private static final String[] CHARACTERS = {"a", "b", "z", "A", "0", "9", "_", "-", " ", "$", "\u00e9", "\u20ac",
        "\uD83D\uDE00"};
    private static final int MQTT31_MAX_CLIENT_ID = 23;

    private final Random random;

    RandomPackets(long seed) {
        this.random = new Random(seed);
    }

    MqttPacket next(PacketType type) {
        return switch (type) {
            case CONNECT -> connect();
            case CONNACK -> connAck();
            case PUBLISH -> publish();
            case PUBACK -> new PubAck(packetId());
            case PUBREC -> new PubRec(packetId());
            case PUBREL -> new PubRel(packetId());
            case PUBCOMP -> new PubComp(packetId());
            case SUBSCRIBE -> subscribe();
            case SUBACK -> subAck();
            case UNSUBSCRIBE -> unsubscribe();
            case UNSUBACK -> new UnsubAck(packetId());
            case PINGREQ -> PingReq.INSTANCE;
            case PINGRESP -> PingResp.INSTANCE;
            case DISCONNECT -> Disconnect.INSTANCE;
        };
    }

    private Connect connect() {
        boolean v31 = random.nextInt(4) == 0;
        // MQTT 3.1 limits client ids to 1..23 characters, and Netty enforces that for MQIsdp.
        String clientId = v31 ? text(1, MQTT31_MAX_CLIENT_ID) : text(0, 40);
        Will will = random.nextBoolean() ? new Will(topicName(), bytes(50), qos(), random.nextBoolean()) : null;
        String userName = random.nextBoolean() ? text(0, 20) : null;
        byte[] password = userName != null && random.nextBoolean() ? bytes(30) : null;
        return new Connect(v31 ? "MQIsdp" : "MQTT", v31 ? 3 : 4, random.nextBoolean(), random.nextInt(65_536),
                clientId, will, userName, password);
    }

    private ConnAck connAck() {
        ConnectReturnCode code = ConnectReturnCode.values()[random.nextInt(ConnectReturnCode.values().length)];
        return new ConnAck(code == ConnectReturnCode.ACCEPTED && random.nextBoolean(), code);
    }

    private Publish publish() {
        QoS qos = qos();
        boolean zero = qos == QoS.AT_MOST_ONCE;
        return new Publish(topicName(), qos, !zero && random.nextBoolean(), random.nextBoolean(),
                zero ? 0 : packetId(), bytes(random.nextInt(10) == 0 ? 5_000 : 200));
    }

    private Subscribe subscribe() {
        List<Subscription> subscriptions = new ArrayList<>();
        for (int i = 1 + random.nextInt(5); i > 0; i--) {
            subscriptions.add(new Subscription(topicFilter(), qos()));
        }
        return new Subscribe(packetId(), subscriptions);
    }

    private SubAck subAck() {
        int[] codes = {0, 1, 2, SubAck.FAILURE};
        List<Integer> returnCodes = new ArrayList<>();
        for (int i = 1 + random.nextInt(6); i > 0; i--) {
            returnCodes.add(codes[random.nextInt(codes.length)]);
        }
        return new SubAck(packetId(), returnCodes);
    }

    private Unsubscribe unsubscribe() {
        List<TopicFilter> filters = new ArrayList<>();
        for (int i = 1 + random.nextInt(5); i > 0; i--) {
            filters.add(topicFilter());
        }
        return new Unsubscribe(packetId(), filters);
    }

    private TopicName topicName() {
        String name;
        do {
            name = String.join("/", levels(false));
        } while (name.isEmpty());
        return TopicName.of(name);
    }

    private TopicFilter topicFilter() {
        List<String> levels = levels(true);
        if (random.nextInt(4) == 0) {
            levels.add("#");
        }
        String filter = String.join("/", levels);
        return TopicFilter.of(filter.isEmpty() ? "#" : filter);
    }

    private List<String> levels(boolean wildcards) {
        List<String> levels = new ArrayList<>();
        for (int i = 1 + random.nextInt(5); i > 0; i--) {
            levels.add(wildcards && random.nextInt(4) == 0 ? "+" : text(0, 8));
        }
        return levels;
    }

    /** {@code min..max} UTF-16 chars, the unit Netty's MQTT 3.1 client id limit counts in. */
    private String text(int min, int max) {
        StringBuilder text = new StringBuilder();
        int count = min + random.nextInt(max - min + 1);
        while (text.length() < count) {
            String c = CHARACTERS[random.nextInt(CHARACTERS.length)];
            if (text.length() + c.length() > count) {
                c = "a";
            }
            text.append(c);
        }
        return text.toString();
    }

    private byte[] bytes(int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    private QoS qos() {
        return QoS.of(random.nextInt(3));
    }

    private int packetId() {
        return 1 + random.nextInt(65_535);
    }
}
