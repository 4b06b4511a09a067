package io.starling.mqtt.store;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.spi.SessionStore.StoredMessage;
import io.starling.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The binary values of format 1 (docs/persistence.md). Every value starts with its version byte, so that a later
 * format can change one kind of value and still read the old ones. A message (also a retained message and a will):
 *
 * <pre>
 *   0     version (1)
 *   1     flags: bits 0-1 delivery QoS, bits 2-3 the message's QoS, bit 4 retain, bit 5 released (PUBREC came)
 *   2-3   packet id it was sent with, 0 if never sent (big-endian)
 *   4-5   n, the length of the topic in UTF-8 (big-endian)
 *   6     the topic, n bytes
 *   6+n   the payload, to the end
 * </pre>
 *
 * A subscription is the version then its QoS; a session marker and an inbound QoS 2 id are the version alone. The
 * packet id and flags sit at fixed offsets so that markSent and markReleased rewrite a copy without decoding it.
 */
final class Values {
    static final byte VERSION = 1;
    private static final int FLAGS = 1;
    private static final int PACKET_ID = 2;
    private static final int TOPIC_LENGTH = 4;
    private static final int TOPIC = 6;
    private static final int RETAIN = 1 << 4;
    private static final int RELEASED = 1 << 5;
    private static final byte[] MARKER = {VERSION};

    private Values() {}

    /** A session marker or an inbound QoS 2 id: shared, as the engine copies what it is given. */
    static byte[] marker() {
        return MARKER;
    }

    static byte[] subscription(QoS qos) {
        return new byte[] {VERSION, (byte) qos.value()};
    }

    static QoS subscriptionQos(byte[] value) {
        checkVersion(value, 2);
        return QoS.of(value[1]);
    }

    static byte[] message(Message message, QoS deliveryQos) {
        byte[] topic = message.topic().utf8();
        byte[] payload = message.payload();
        byte[] value = new byte[TOPIC + topic.length + payload.length];
        value[0] = VERSION;
        value[FLAGS] = (byte) (deliveryQos.value() | message.qos().value() << 2 | (message.retain() ? RETAIN : 0));
        value[TOPIC_LENGTH] = (byte) (topic.length >>> 8);
        value[TOPIC_LENGTH + 1] = (byte) topic.length;
        System.arraycopy(topic, 0, value, TOPIC, topic.length);
        System.arraycopy(payload, 0, value, TOPIC + topic.length, payload.length);
        return value;
    }

    static byte[] will(Will will) {
        return message(will.toMessage(), will.qos());
    }

    /** A copy of a stored message with its packet id set. */
    static byte[] withPacketId(byte[] value, int packetId) {
        byte[] copy = value.clone();
        copy[PACKET_ID] = (byte) (packetId >>> 8);
        copy[PACKET_ID + 1] = (byte) packetId;
        return copy;
    }

    /** A copy of a stored message marked released. */
    static byte[] released(byte[] value) {
        byte[] copy = value.clone();
        copy[FLAGS] |= RELEASED;
        return copy;
    }

    /**
     * Decodes values during one recovery. Messages queued for many sessions share few topics, so the topic names
     * are made once each: a million stored messages on one topic hold one TopicName, not a million.
     */
    static final class Reader {
        private static final int MAX_INTERNED = 100_000;
        private final Map<String, TopicName> topics = new HashMap<>();

        StoredMessage storedMessage(long key, byte[] value) {
            Message message = message(value);
            int flags = value[FLAGS];
            int packetId = (value[PACKET_ID] & 0xff) << 8 | value[PACKET_ID + 1] & 0xff;
            return new StoredMessage(key, message, QoS.of(flags & 3), packetId, (flags & RELEASED) != 0);
        }

        Message message(byte[] value) {
            checkVersion(value, TOPIC);
            int topicLength = (value[TOPIC_LENGTH] & 0xff) << 8 | value[TOPIC_LENGTH + 1] & 0xff;
            if (TOPIC + topicLength > value.length) {
                throw new IllegalStateException("stored message shorter than its topic: " + value.length + " bytes");
            }
            TopicName topic = topic(new String(value, TOPIC, topicLength, StandardCharsets.UTF_8));
            byte[] payload = new byte[value.length - TOPIC - topicLength];
            System.arraycopy(value, TOPIC + topicLength, payload, 0, payload.length);
            int flags = value[FLAGS];
            return new Message(topic, payload, QoS.of(flags >>> 2 & 3), (flags & RETAIN) != 0);
        }

        Will will(byte[] value) {
            Message m = message(value);
            return new Will(m.topic(), m.payload(), m.qos(), m.retain());
        }

        private TopicName topic(String name) {
            TopicName topic = topics.get(name);
            if (topic == null) {
                topic = TopicName.of(name);
                if (topics.size() >= MAX_INTERNED) {
                    topics.clear();
                }
                topics.put(name, topic);
            }
            return topic;
        }
    }

    private static void checkVersion(byte[] value, int minLength) {
        if (value.length == 0 || value[0] != VERSION) {
            throw new IllegalStateException("stored value of unknown version " + (value.length == 0 ? "(empty)" : value[0])
                    + "; this build reads version " + VERSION);
        }
        if (value.length < minLength) {
            throw new IllegalStateException("stored value too short: " + value.length + " bytes");
        }
    }
}
