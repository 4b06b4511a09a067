package io.starling.mqtt.topic;

/** Checks shared by topic names and filters (section 4.7.3). */
final class TopicRules {
    /** [MQTT-4.7.3-3]: a UTF-8 encoded string field holds at most 65535 bytes. */
    static final int MAX_ENCODED_LENGTH = 65_535;

    private TopicRules() {}

    /** Checks the rules names and filters share; returns the length of the UTF-8 encoding, computed without it. */
    static int checkCommon(String value, String kind) {
        if (value == null) {
            throw new InvalidTopicException(kind + " must not be null");
        }
        if (value.isEmpty()) {
            throw new InvalidTopicException(kind + " must be at least one character long [MQTT-4.7.3-1]");
        }
        if (value.indexOf('\u0000') >= 0) {
            throw new InvalidTopicException(kind + " must not contain U+0000 [MQTT-4.7.3-2]");
        }
        int length = utf8Length(value, kind);
        if (length > MAX_ENCODED_LENGTH) {
            throw new InvalidTopicException(kind + " encodes to " + length + " bytes, more than 65535 [MQTT-4.7.3-3]");
        }
        return length;
    }

    /**
     * The UTF-8 length of {@code value}. [MQTT-1.5.3-1]: a lone surrogate has no well-formed UTF-8 encoding
     * ({@code getBytes} would silently write {@code ?} instead, so the name, its bytes and its length would
     * disagree), so it is refused here.
     */
    private static int utf8Length(String value, String kind) {
        int length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (!Character.isSurrogate(c)) {
                length += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                throw new InvalidTopicException(kind + " contains an unpaired surrogate at index " + i
                        + ", which is not well-formed UTF-8 [MQTT-1.5.3-1]");
            }
        }
        return length;
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
