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
        checkSurrogatesPaired(value, kind);
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_ENCODED_LENGTH) {
            throw new InvalidTopicException(kind + " encodes to " + utf8.length + " bytes, more than 65535 [MQTT-4.7.3-3]");
        }
        return utf8;
    }

    /**
     * [MQTT-1.5.3-1]: a lone surrogate has no well-formed UTF-8 encoding ({@code getBytes} would silently write
     * {@code ?} instead, so the name, its bytes and its length would disagree).
     */
    private static void checkSurrogatesPaired(String value, String kind) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    throw new InvalidTopicException(kind + " contains an unpaired surrogate at index " + i
                            + ", which is not well-formed UTF-8 [MQTT-1.5.3-1]");
                }
            }
        }
    }

    /** A short, single-line rendering of a rejected topic for exception messages and logs. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        int limit = Math.min(value.length(), 64);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        if (value.length() > limit) {
            out.append("... (").append(value.length()).append(" chars)");
        }
        return out.toString();
    }
}
