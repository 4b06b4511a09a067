package io.starling.mqtt.auth;

import io.starling.mqtt.topic.TopicFilter;
import java.util.List;

/**
 * One {@code topic} or {@code pattern} line of an ACL file, split into levels once at load so that checks on the
 * event loops compare string regions in place and allocate nothing.
 *
 * <p>{@link TopicFilter#matches} is the reference matcher, but it splits the topic into a new list per call and knows
 * nothing of {@code %c}/{@code %u}; the tests check that both agree on plain filters.
 */
final class AclEntry {
    static final int DENY = 0;
    static final int READ = 1;
    static final int WRITE = 2;
    static final int READWRITE = READ | WRITE;

    private static final byte LITERAL = 0;
    private static final byte SINGLE = 1;
    private static final byte MULTI = 2;
    private static final byte CLIENT_ID = 3;
    private static final byte USERNAME = 4;

    private final String text;
    private final int access;
    private final byte[] kinds;
    private final String[] literals;
    // Mosquitto's rule: a topic or filter that starts with '$' is only matched by an entry that starts with '$'.
    private final boolean system;
    // Mosquitto skips any pattern mentioning %u for clients without a user name, wherever %u appears.
    private final boolean mentionsUsername;

    private AclEntry(String text, int access, List<String> levels, boolean pattern) {
        this.text = text;
        this.access = access;
        this.kinds = new byte[levels.size()];
        this.literals = new String[levels.size()];
        for (int i = 0; i < levels.size(); i++) {
            String level = levels.get(i);
            if (level.equals(TopicFilter.SINGLE_LEVEL_WILDCARD)) {
                kinds[i] = SINGLE;
            } else if (level.equals(TopicFilter.MULTI_LEVEL_WILDCARD)) {
                kinds[i] = MULTI;
            } else if (pattern && level.equals("%c")) {
                kinds[i] = CLIENT_ID;
            } else if (pattern && level.equals("%u")) {
                kinds[i] = USERNAME;
            } else {
                kinds[i] = LITERAL;
                literals[i] = level;
            }
        }
        this.system = text.charAt(0) == '$';
        this.mentionsUsername = pattern && text.contains("%u");
    }

    /** A {@code topic} line: every level is literal or a wildcard. Throws if {@code filter} is not a valid filter. */
    static AclEntry topic(String filter, int access) {
        return new AclEntry(filter, access, TopicFilter.of(filter).levels(), false);
    }

    /** A {@code pattern} line: a level that is exactly {@code %c} or {@code %u} stands for the client's value. */
    static AclEntry pattern(String filter, int access) {
        return new AclEntry(filter, access, TopicFilter.of(filter).levels(), true);
    }

    String text() {
        return text;
    }

    int access() {
        return access;
    }

    /** Whether some level holds {@code %c} or {@code %u} next to other text, which is then taken literally. */
    boolean hasPartialPlaceholder() {
        for (int i = 0; i < kinds.length; i++) {
            String literal = literals[i];
            if (literal != null && (literal.contains("%c") || literal.contains("%u"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether this entry matches the topic name, by the rules of section 4.7 ({@code a/#} matches {@code a},
     * {@code +} matches an empty level). {@code clientId} and {@code username} are the values that may stand in
     * for {@code %c} and {@code %u}, or null where none may.
     */
    boolean matches(String topic, String clientId, String username) {
        if ((topic.charAt(0) == '$' && !system) || (mentionsUsername && username == null)) {
            return false;
        }
        int length = topic.length();
        int start = 0;
        for (int i = 0; i < kinds.length; i++) {
            byte kind = kinds[i];
            if (kind == MULTI) {
                return true;
            }
            if (start > length) {
                return false;
            }
            int end = topic.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            if (kind != SINGLE && !levelEquals(topic, start, end, value(i, clientId, username))) {
                return false;
            }
            start = end + 1;
        }
        return start > length;
    }

    /**
     * Whether every topic the subscription filter can match is matched by this entry, as Mosquitto's
     * {@code sub_matches_acl} decides: {@code a/#} covers {@code a}, {@code a/+} and {@code a/b/#}; {@code +}
     * covers {@code +} but not {@code #}; a literal level covers only the same literal.
     */
    boolean covers(TopicFilter filter, String clientId, String username) {
        List<String> levels = filter.levels();
        if ((filter.value().charAt(0) == '$' && !system) || (mentionsUsername && username == null)) {
            return false;
        }
        int count = levels.size();
        for (int i = 0; i < kinds.length; i++) {
            byte kind = kinds[i];
            if (kind == MULTI) {
                return true;
            }
            if (i >= count) {
                return false;
            }
            String level = levels.get(i);
            if (kind == SINGLE) {
                if (level.equals(TopicFilter.MULTI_LEVEL_WILDCARD)) {
                    return false;
                }
            } else if (!level.equals(value(i, clientId, username))) {
                // A literal never contains a wildcard, and a value holding one never gets here, so a subscription
                // wildcard is covered only by an entry wildcard.
                return false;
            }
        }
        return count == kinds.length;
    }

    private String value(int level, String clientId, String username) {
        return switch (kinds[level]) {
            case CLIENT_ID -> clientId;
            case USERNAME -> username;
            default -> literals[level];
        };
    }

    private static boolean levelEquals(String topic, int start, int end, String expected) {
        return expected != null && end - start == expected.length()
                && topic.regionMatches(start, expected, 0, expected.length());
    }

    @Override
    public String toString() {
        return text;
    }
}
