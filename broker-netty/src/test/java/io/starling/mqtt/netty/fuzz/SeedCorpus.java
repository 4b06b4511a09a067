package io.starling.mqtt.netty.fuzz;

import static io.starling.mqtt.netty.fuzz.PacketBytes.concat;
import static io.starling.mqtt.netty.fuzz.PacketBytes.encode;

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
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed corpus of both fuzz targets, written as what each seed means. {@link SeedCorpusTest} checks that the
 * committed files under {@code src/test/resources} are exactly these, and rewrites them when asked.
 */
final class SeedCorpus {
    private SeedCorpus() {}

    /** Seeds of {@link MqttFrameDecoderFuzzTest}, by file name. */
    static Map<String, byte[]> decoderSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        byte[] everyType = concat(SAMPLES.stream().map(PacketBytes::encode).toArray(byte[][]::new));
        seeds.put("seed-every-type-in-255-byte-reads", decoderSeed(65_535, 255, everyType));
        seeds.put("seed-every-type-in-7-byte-reads", decoderSeed(65_535, 7, everyType));
        seeds.put("seed-connect-with-will-byte-by-byte", decoderSeed(1024, 1, encode(SAMPLES.get(1))));
        seeds.put("seed-publish-qos-0-1-2", decoderSeed(1024, 64,
                encode(publish("a/b", QoS.AT_MOST_ONCE, 0, "zero")),
                encode(publish("a/b", QoS.AT_LEAST_ONCE, 1, "one")),
                encode(publish("a/b", QoS.EXACTLY_ONCE, 2, "two"))));
        seeds.put("seed-malformed-reserved-type", decoderSeed(1024, 255, hex("f0 00")));
        seeds.put("seed-malformed-wrong-flags", decoderSeed(1024, 255, hex("80 05 00 01 00 01 61")));
        seeds.put("seed-malformed-five-length-bytes", decoderSeed(1024, 255, hex("30 ff ff ff ff 01")));
        seeds.put("seed-malformed-trailing-byte", decoderSeed(1024, 255, hex("c0 01 00")));
        seeds.put("seed-malformed-invalid-utf8-topic", decoderSeed(1024, 255, hex("30 05 00 02 c0 af 00")));
        seeds.put("seed-malformed-wildcard-topic", decoderSeed(1024, 255, hex("30 05 00 03 61 2f 2b")));
        seeds.put("seed-malformed-subscribe-qos-3", decoderSeed(1024, 255, hex("82 06 00 01 00 01 61 03")));
        seeds.put("seed-unsupported-protocol-level", decoderSeed(1024, 255,
                hex("10 0d 00 04 4d 51 54 54 05 02 00 3c 00 01 63")));
        seeds.put("seed-declares-256-mb", decoderSeed(1024, 255, hex("30 ff ff ff 7f 00 01 61")));
        seeds.put("seed-larger-than-limit", decoderSeed(64, 40,
                encode(publish("big", QoS.AT_MOST_ONCE, 0, "x".repeat(100)))));
        seeds.put("seed-non-minimal-remaining-length", decoderSeed(1024, 255, hex("c0 80 00 e0 80 80 00")));
        return seeds;
    }

    /** Seeds of {@link ConnectionPipelineFuzzTest}, by file name; see its javadoc for the format. */
    static Map<String, byte[]> pipelineSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("seed-connect-only", new Pipeline(CONNECT | CLEAN_0).write(0, new byte[0]).bytes());
        seeds.put("seed-subscribe-publish-qos-0-1-2", new Pipeline(CONNECT | CLEAN_0)
                .write(0, subscribe(1, "fuzz/#", QoS.EXACTLY_ONCE))
                .write(0, publish("fuzz/a", QoS.AT_MOST_ONCE, 0, "q0"))
                .write(0, publish("fuzz/a", QoS.AT_LEAST_ONCE, 2, "q1"))
                .write(0, publish("fuzz/a", QoS.EXACTLY_ONCE, 3, "q2"))
                .write(0, new PubRel(3))
                .write(0, new PubAck(1))
                .write(0, new PubRec(2))
                .write(0, new PubComp(2))
                .write(0, PingReq.INSTANCE)
                .write(0, new Unsubscribe(4, List.of(TopicFilter.of("fuzz/#"))))
                .write(0, Disconnect.INSTANCE)
                .bytes());
        seeds.put("seed-two-clients-route-qos-0-1-2", new Pipeline(CONNECT | CLEAN_0 | CLEAN_1)
                .write(0, subscribe(1, "fuzz/+", QoS.EXACTLY_ONCE))
                .write(1, publish("fuzz/x", QoS.AT_MOST_ONCE, 0, "q0"))
                .write(1, publish("fuzz/x", QoS.AT_LEAST_ONCE, 1, "q1"))
                .write(1, publish("fuzz/x", QoS.EXACTLY_ONCE, 2, "q2"))
                .write(1, new PubRel(2))
                .write(0, new PubAck(1))
                .write(0, new PubRec(2))
                .write(0, new PubComp(2))
                .bytes());
        seeds.put("seed-persistent-session-takeover", new Pipeline(CONNECT | SHARED_ID)
                .write(0, subscribe(1, "fuzz/0", QoS.AT_LEAST_ONCE))
                .write(1, new byte[0])
                .publishInProcess(1, 0x7a)
                .write(1, new PubAck(1))
                .bytes());
        seeds.put("seed-persistent-session-queued-while-away", new Pipeline(CONNECT)
                .write(0, subscribe(1, "fuzz/0", QoS.AT_LEAST_ONCE))
                .close(0)
                .publishInProcess(0, 0x7a)
                .reconnect(0)
                .write(0, new PubAck(1))
                .bytes());
        seeds.put("seed-will-on-lost-connection", new Pipeline(CONNECT | CLEAN_0 | CLEAN_1 | WILL)
                .write(1, subscribe(1, "fuzz/will/#", QoS.AT_LEAST_ONCE))
                .write(0, new byte[0])
                .close(0)
                .write(1, new PubAck(1))
                .bytes());
        seeds.put("seed-retained-in-process-publish", new Pipeline(CONNECT | CLEAN_0)
                .publishInProcess(0, 0x7c)
                .write(0, subscribe(1, "fuzz/#", QoS.AT_LEAST_ONCE))
                .bytes());
        seeds.put("seed-keep-alive-and-ping", new Pipeline(CONNECT | CLEAN_0 | KEEP_ALIVE)
                .write(0, PingReq.INSTANCE)
                .advanceTime(0)
                .bytes());
        seeds.put("seed-raw-connect-timeout", new Pipeline(RAW)
                .write(0, hex("10 0d 00 04 4d 51"))
                .advanceTime(0)
                .bytes());
        seeds.put("seed-raw-unsupported-protocol-level", new Pipeline(RAW)
                .write(0, hex("10 0d 00 04 4d 51 54 54 05 02 00 3c 00 01 63"))
                .bytes());
        seeds.put("seed-raw-connect-with-pipelined-publish", new Pipeline(RAW)
                .write(0, concat(encode(new Connect("MQTT", 4, false, 0, "raw", null, "user", new byte[] {1})),
                        encode(subscribe(1, "raw/#", QoS.AT_LEAST_ONCE)),
                        encode(publish("raw/1", QoS.AT_LEAST_ONCE, 2, "pipelined"))))
                .bytes());
        seeds.put("seed-raw-publish-before-connect", new Pipeline(RAW)
                .write(0, publish("fuzz/a", QoS.AT_MOST_ONCE, 0, "early"))
                .bytes());
        seeds.put("seed-malformed-after-connect", new Pipeline(CONNECT | CLEAN_0)
                .write(0, hex("f0 00"))
                .bytes());
        seeds.put("seed-second-connect", new Pipeline(CONNECT | CLEAN_0)
                .write(0, new Connect("MQTT", 4, true, 0, "again", null, null, null))
                .bytes());
        seeds.put("seed-declares-256-mb", new Pipeline(CONNECT | CLEAN_0)
                .write(0, hex("30 ff ff ff 7f 00 01 61"))
                .bytes());
        seeds.put("seed-larger-than-limit", new Pipeline(CONNECT | CLEAN_0)
                .write(0, publish("fuzz/big", QoS.AT_LEAST_ONCE, 1, "x".repeat(1500)))
                .bytes());
        seeds.put("seed-subscribe-publish-byte-by-byte", new Pipeline(CONNECT | CLEAN_0)
                .writeByteByByte(0, concat(encode(subscribe(1, "fuzz/#", QoS.AT_LEAST_ONCE)),
                        encode(publish("fuzz/1", QoS.AT_LEAST_ONCE, 2, "slow"))))
                .bytes());
        return seeds;
    }

    // ---- the pipeline format ----

    static final int RAW = 0x00;
    static final int CONNECT = 0x01;
    static final int CLEAN_0 = 0x08;
    static final int CLEAN_1 = 0x10;
    static final int SHARED_ID = 0x20;
    static final int KEEP_ALIVE = 0x40;
    static final int WILL = 0x80;

    /** Builds a {@link ConnectionPipelineFuzzTest} input operation by operation. */
    private static final class Pipeline {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pipeline(int header) {
            out.write(header);
        }

        Pipeline write(int slot, MqttPacket packet) {
            return write(slot, encode(packet));
        }

        /** One read per 255 bytes; an empty array is one empty read, which opens the connection. */
        Pipeline write(int slot, byte[] bytes) {
            int offset = 0;
            do {
                int length = Math.min(255, bytes.length - offset);
                out.write(slot << 7);
                out.write(length);
                out.write(bytes, offset, length);
                offset += length;
            } while (offset < bytes.length);
            return this;
        }

        Pipeline writeByteByByte(int slot, byte[] bytes) {
            for (byte b : bytes) {
                write(slot, new byte[] {b});
            }
            return this;
        }

        Pipeline close(int slot) {
            out.write(slot << 7 | 0x60);
            return this;
        }

        Pipeline reconnect(int slot) {
            out.write(slot << 7 | 0x68);
            return this;
        }

        Pipeline advanceTime(int slot) {
            out.write(slot << 7 | 0x70);
            return this;
        }

        /** {@code operation} 0x78-0x7F; 0x7a publishes to fuzz/0 at QoS 1, 0x7c retained to fuzz/0 at QoS 2. */
        Pipeline publishInProcess(int slot, int operation) {
            out.write(slot << 7 | operation);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    // ---- the decoder format ----

    private static byte[] decoderSeed(int maxPacketSize, int readSize, byte[]... frames) {
        byte[] stream = concat(frames);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(maxPacketSize >>> 8);
        out.write(maxPacketSize);
        for (int offset = 0; offset < stream.length; offset += readSize) {
            int length = Math.min(readSize, stream.length - offset);
            out.write(length);
            out.write(stream, offset, length);
        }
        return out.toByteArray();
    }

    private static final List<MqttPacket> SAMPLES = List.of(
            new Connect("MQTT", 4, true, 60, "client-1", null, null, null),
            new Connect("MQTT", 4, false, 30, "c", new Will(TopicName.of("will/\u00e9"), new byte[] {1, 2},
                    QoS.EXACTLY_ONCE, true), "user", new byte[] {9, 8, 7}),
            new Connect("MQIsdp", 3, true, 65_535, "legacy", null, null, null),
            new ConnAck(true, ConnectReturnCode.ACCEPTED),
            ConnAck.refuse(ConnectReturnCode.NOT_AUTHORIZED),
            publish("a/b", QoS.AT_MOST_ONCE, 0, ""),
            new Publish(TopicName.of("$SYS/x"), QoS.EXACTLY_ONCE, true, true, 65_535, new byte[300]),
            new PubAck(1),
            new PubRec(300),
            new PubRel(65_535),
            new PubComp(42),
            new Subscribe(8, List.of(new Subscription(TopicFilter.of("#"), QoS.EXACTLY_ONCE),
                    new Subscription(TopicFilter.of("x/+/y"), QoS.AT_LEAST_ONCE))),
            new SubAck(8, List.of(2, 1, 0, SubAck.FAILURE)),
            new Unsubscribe(9, List.of(TopicFilter.of("a/+/c"), TopicFilter.of("/"))),
            new UnsubAck(9),
            PingReq.INSTANCE,
            PingResp.INSTANCE,
            Disconnect.INSTANCE);

    // ---- helpers ----

    private static Publish publish(String topic, QoS qos, int packetId, String payload) {
        return new Publish(TopicName.of(topic), qos, false, false, packetId, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static Subscribe subscribe(int packetId, String filter, QoS qos) {
        return new Subscribe(packetId, List.of(new Subscription(TopicFilter.of(filter), qos)));
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }
}
