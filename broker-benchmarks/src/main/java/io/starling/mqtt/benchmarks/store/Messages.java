package io.starling.mqtt.benchmarks.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The value of an {@code m/<id>} entry: QoS, topic and payload, as a broker would store a queued PUBLISH. */
public final class Messages {
    private Messages() {}

    public static byte[] encode(int qos, byte[] topic, byte[] payload) {
        return ByteBuffer.allocate(1 + 2 + topic.length + payload.length)
                .put((byte) qos)
                .putShort((short) topic.length)
                .put(topic)
                .put(payload)
                .array();
    }

    public static String topic(byte[] value) {
        int length = ((value[1] & 0xFF) << 8) | (value[2] & 0xFF);
        return new String(value, 3, length, StandardCharsets.UTF_8);
    }

    public static int payloadLength(byte[] value) {
        int length = ((value[1] & 0xFF) << 8) | (value[2] & 0xFF);
        return value.length - 3 - length;
    }
}
