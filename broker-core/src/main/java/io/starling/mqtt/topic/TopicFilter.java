package io.starling.mqtt.topic;

import java.util.List;

/**
 * A validated topic filter, as subscribed to: levels separated by {@code /}, where {@code +} fills one whole
 * level and {@code #} stands alone as the last level [MQTT-4.7.1-2] [MQTT-4.7.1-3].
 */
public final class TopicFilter {
    public static final String SINGLE_LEVEL_WILDCARD = "+";
    public static final String MULTI_LEVEL_WILDCARD = "#";

    private final String value;
    private final List<String> levels;
    private final boolean wildcard;

    private TopicFilter(String value, List<String> levels, boolean wildcard) {
        this.value = value;
        this.levels = levels;
        this.wildcard = wildcard;
    }

    /** Validates and wraps a filter; throws {@link InvalidTopicException} naming the broken rule. */
    public static TopicFilter of(String value) {
        TopicRules.checkCommon(value, "topic filter");
        List<String> levels = Levels.split(value);
        boolean wildcard = false;
        for (int i = 0; i < levels.size(); i++) {
            String level = levels.get(i);
            if (level.equals(MULTI_LEVEL_WILDCARD)) {
                if (i != levels.size() - 1) {
                    throw new InvalidTopicException("'#' must be the last level of a filter [MQTT-4.7.1-2]: " + TopicRules.printable(value));
                }
                wildcard = true;
            } else if (level.equals(SINGLE_LEVEL_WILDCARD)) {
                wildcard = true;
            } else if (level.indexOf('#') >= 0) {
                throw new InvalidTopicException("'#' must occupy a whole level [MQTT-4.7.1-2]: " + TopicRules.printable(value));
            } else if (level.indexOf('+') >= 0) {
                throw new InvalidTopicException("'+' must occupy a whole level [MQTT-4.7.1-3]: " + TopicRules.printable(value));
            }
        }
        return new TopicFilter(value, List.copyOf(levels), wildcard);
    }

    public String value() {
        return value;
    }

    /** The filter's levels in order; an empty string for an empty level. */
    public List<String> levels() {
        return levels;
    }

    public boolean hasWildcard() {
        return wildcard;
    }

    /** Matching by the rules of section 4.7, one filter at a time; the trie is the fast path, this is the reference. */
    public boolean matches(TopicName topic) {
        List<String> names = Levels.split(topic.value());
        if (topic.isSystemTopic() && !levels.isEmpty()
                && (levels.get(0).equals(SINGLE_LEVEL_WILDCARD) || levels.get(0).equals(MULTI_LEVEL_WILDCARD))) {
            return false;
        }
        int i = 0;
        for (; i < levels.size(); i++) {
            String level = levels.get(i);
            if (level.equals(MULTI_LEVEL_WILDCARD)) {
                return true;
            }
            if (i >= names.size()) {
                return false;
            }
            if (!level.equals(SINGLE_LEVEL_WILDCARD) && !level.equals(names.get(i))) {
                return false;
            }
        }
        return i == names.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicFilter other && value.equals(other.value);
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
