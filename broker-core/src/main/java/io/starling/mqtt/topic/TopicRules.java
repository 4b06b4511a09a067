package io.starling.mqtt.topic;

import java.nio.charset.StandardCharsets;

/** Checks shared by topic names and filters (section 4.7.3). */
final class TopicRules {
    /** [MQTT-4.7.3-3]: a UTF-8 encoded string field holds at most 65535 bytes. */
    static final int MAX_ENCODED_LENGTH = 65_535;

    private TopicRules() {}

    static byte[] checkCommon(String value, String kind) {
        if (value == null) {
            throw new InvalidTopicException(kind + " must not be null");
        }
        if (value.isEmpty()) {
            throw new InvalidTopicException(kind + " must be at least one character long [MQTT-4.7.3-1]");
        }
        if (value.indexOf('\u0000') >= 0) {
            throw new InvalidTopicException(kind + " must not contain U+0000 [MQTT-4.7.3-2]");
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_ENCODED_LENGTH) {
            throw new InvalidTopicException(kind + " encodes to " + utf8.length + " bytes, more than 65535 [MQTT-4.7.3-3]");
        }
        return utf8;
    }
}
