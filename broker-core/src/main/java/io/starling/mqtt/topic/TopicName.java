package io.starling.mqtt.topic;

import java.nio.charset.StandardCharsets;

/**
 * A validated topic name, the address of a PUBLISH: at least one character, no wildcard, no U+0000,
 * at most 65535 bytes of UTF-8. Created once when decoded; nothing downstream validates again.
 * Names are compared exactly, without normalisation or case folding [MQTT-4.7.3-4].
 */
public final class TopicName {
    private final String value;
    private final int utf8Length;
    // Encoded on first use: an ASCII name is written straight from the string (PublishEncoder), so most names never
    // need the array. Volatile: a message fans out to subscribers on other threads, and the array must arrive whole.
    private volatile byte[] utf8;

    private TopicName(String value, int utf8Length) {
        this.value = value;
        this.utf8Length = utf8Length;
    }

    /** Validates and wraps a topic name; throws {@link InvalidTopicException} naming the broken rule. */
    public static TopicName of(String value) {
        int utf8Length = TopicRules.checkCommon(value, "topic name");
        if (value.indexOf('+') >= 0 || value.indexOf('#') >= 0) {
            throw new InvalidTopicException("topic name must not contain a wildcard [MQTT-3.3.2-2] [MQTT-4.7.1-1]: " + TopicRules.printable(value));
        }
        return new TopicName(value, utf8Length);
    }

    public String value() {
        return value;
    }

    /** The UTF-8 encoding, computed once. Callers must not modify the array. */
    public byte[] utf8() {
        byte[] bytes = utf8;
        if (bytes == null) {
            bytes = value.getBytes(StandardCharsets.UTF_8);
            utf8 = bytes;
        }
        return bytes;
    }

    /** The length of the UTF-8 encoding, in bytes (at most 65535). */
    public int utf8Length() {
        return utf8Length;
    }

    /** True when every character is ASCII, so that the name's UTF-8 bytes are its characters. */
    public boolean isAscii() {
        return utf8Length == value.length();
    }

    /** True for names such as {@code $SYS/...} that wildcard-led filters never match [MQTT-4.7.2-1]. */
    public boolean isSystemTopic() {
        return value.charAt(0) == '$';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicName other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
