package io.starling.mqtt.protocol;

import io.starling.mqtt.api.BrokerConfig;

/**
 * The configured limits on topic names and filters: length in UTF-8 bytes and number of levels. Both checks skip
 * the scan when the string is too short to break the limit, which is nearly always on the publish path.
 */
final class TopicLimits {
    private TopicLimits() {}

    /** Null when {@code topic} is within the limits, otherwise why not. */
    static String violation(BrokerConfig config, String topic) {
        int chars = topic.length();
        // A UTF-16 char never takes more than 3 UTF-8 bytes (a surrogate pair takes 4 for 2 chars).
        if ((long) chars * 3 > config.maxTopicLength()) {
            int bytes = utf8Length(topic);
            if (bytes > config.maxTopicLength()) {
                return "topic of " + bytes + " bytes is longer than maxTopicLength " + config.maxTopicLength();
            }
        }
        // n levels need n - 1 slashes, so a string shorter than the limit cannot exceed it.
        if (chars >= config.maxTopicLevels()) {
            int levels = 1;
            for (int i = 0; i < chars; i++) {
                if (topic.charAt(i) == '/') {
                    levels++;
                }
            }
            if (levels > config.maxTopicLevels()) {
                return "topic of " + levels + " levels has more than maxTopicLevels " + config.maxTopicLevels();
            }
        }
        return null;
    }

    static boolean permits(BrokerConfig config, String topic) {
        return violation(config, topic) == null;
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
