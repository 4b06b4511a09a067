package io.starling.mqtt.auth;

import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.topic.InvalidTopicException;
import io.starling.mqtt.topic.TopicFilter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parsed content of one ACL file, immutable: per-user entries and the patterns, each already sorted into
 * deny, read and write arrays so that a check walks only the entries that can decide it.
 */
final class AclRules {
    private static final Logger LOG = LoggerFactory.getLogger(AclRules.class);
    private static final AclEntry[] NONE = new AclEntry[0];
    private static final Entries NO_ENTRIES = new Entries(NONE, NONE, NONE);

    private final Entries anonymous;
    private final Map<String, Entries> users;
    private final Entries patterns;
    private final int ruleCount;

    private AclRules(Entries anonymous, Map<String, Entries> users, Entries patterns, int ruleCount) {
        this.anonymous = anonymous;
        this.users = Map.copyOf(users);
        this.patterns = patterns;
        this.ruleCount = ruleCount;
    }

    int ruleCount() {
        return ruleCount;
    }

    int userCount() {
        return users.size();
    }

    /**
     * Whether {@code client} may publish to ({@link AclEntry#WRITE}) or receive from ({@link AclEntry#READ})
     * {@code topic}: no deny matches it and a grant with that access does.
     */
    boolean allows(ClientInfo client, String topic, int access) {
        String clientId = client.clientId();
        String username = client.username();
        Entries own = own(username);
        String idValue = placeholderValue(clientId);
        String userValue = placeholderValue(username);
        for (AclEntry deny : own.denies) {
            if (deny.matches(topic, null, null)) {
                return false;
            }
        }
        for (AclEntry deny : patterns.denies) {
            if (deny.matches(topic, idValue, userValue)) {
                return false;
            }
        }
        for (AclEntry grant : own.grants(access)) {
            if (grant.matches(topic, null, null)) {
                return true;
            }
        }
        if (patternGrantsApply(clientId, username)) {
            for (AclEntry grant : patterns.grants(access)) {
                if (grant.matches(topic, idValue, userValue)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a read grant covers every topic of {@code filter} and no deny does. */
    boolean allowsSubscription(ClientInfo client, TopicFilter filter) {
        String clientId = client.clientId();
        String username = client.username();
        Entries own = own(username);
        String idValue = placeholderValue(clientId);
        String userValue = placeholderValue(username);
        for (AclEntry deny : own.denies) {
            if (deny.covers(filter, null, null)) {
                return false;
            }
        }
        for (AclEntry deny : patterns.denies) {
            if (deny.covers(filter, idValue, userValue)) {
                return false;
            }
        }
        for (AclEntry grant : own.reads) {
            if (grant.covers(filter, null, null)) {
                return true;
            }
        }
        if (patternGrantsApply(clientId, username)) {
            for (AclEntry grant : patterns.reads) {
                if (grant.covers(filter, idValue, userValue)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Entries own(String username) {
        if (username == null) {
            return anonymous;
        }
        Entries entries = users.get(username);
        return entries == null ? NO_ENTRIES : entries;
    }

    /**
     * CVE-2017-7650: a client named {@code #} would otherwise be granted {@code devices/#} by
     * {@code pattern read devices/%c/#}. Mosquitto refuses pattern access to such clients altogether.
     */
    private static boolean patternGrantsApply(String clientId, String username) {
        return !unsafe(clientId) && !unsafe(username);
    }

    /** The value a {@code %c} or {@code %u} level may match: a whole level, so never empty and never a wildcard. */
    private static String placeholderValue(String value) {
        return value == null || value.isEmpty() || unsafe(value) ? null : value;
    }

    private static boolean unsafe(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '+' || c == '#' || c == '/') {
                return true;
            }
        }
        return false;
    }

    /** Parses the lines of {@code file}; a malformed line fails with the file, the line number and the reason. */
    static AclRules parse(Path file, List<String> lines) {
        Builder anonymous = new Builder();
        Map<String, Builder> users = new LinkedHashMap<>();
        Builder patterns = new Builder();
        Builder current = anonymous;
        int ruleCount = 0;
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] keywordAndRest = splitFirstWord(line);
            String keyword = keywordAndRest[0];
            String rest = keywordAndRest[1];
            switch (keyword) {
                case "user" -> {
                    if (rest.isEmpty()) {
                        throw error(file, lineNumber, "'user' needs a user name");
                    }
                    current = users.computeIfAbsent(rest, name -> new Builder());
                }
                case "topic", "pattern" -> {
                    AclEntry entry = entry(file, lineNumber, keyword, rest);
                    if (keyword.equals("pattern") && entry.hasPartialPlaceholder()) {
                        LOG.warn("{} line {}: %c and %u are only replaced when they fill a whole level; "
                                + "'{}' matches them as literal text", file, lineNumber, entry.text());
                    }
                    (keyword.equals("topic") ? current : patterns).add(entry);
                    ruleCount++;
                }
                default -> throw error(file, lineNumber,
                        "unknown keyword '" + keyword + "' (expected topic, user or pattern)");
            }
        }
        Map<String, Entries> built = new HashMap<>();
        users.forEach((name, builder) -> built.put(name, builder.build()));
        return new AclRules(anonymous.build(), built, patterns.build(), ruleCount);
    }

    private static AclEntry entry(Path file, int lineNumber, String keyword, String rest) {
        if (rest.isEmpty()) {
            throw error(file, lineNumber, "'" + keyword + "' needs a topic filter");
        }
        String[] accessAndTopic = splitFirstWord(rest);
        int access;
        String topic;
        if (accessAndTopic[1].isEmpty()) {
            if (accessFor(rest) >= 0) {
                // Mosquitto reads `topic read` as read-write access to a topic named "read": almost certainly a
                // line whose filter went missing, so it is refused here.
                throw error(file, lineNumber, "no topic filter after '" + keyword + " " + rest + "'");
            }
            access = AclEntry.READWRITE;
            topic = rest;
        } else {
            access = accessFor(accessAndTopic[0]);
            if (access < 0) {
                throw error(file, lineNumber, "unknown access '" + accessAndTopic[0]
                        + "' (expected read, write, readwrite or deny; a topic with spaces needs one of them)");
            }
            topic = accessAndTopic[1];
        }
        try {
            return keyword.equals("topic") ? AclEntry.topic(topic, access) : AclEntry.pattern(topic, access);
        } catch (InvalidTopicException e) {
            throw error(file, lineNumber, "invalid topic filter: " + e.getMessage());
        }
    }

    private static int accessFor(String word) {
        return switch (word) {
            case "read" -> AclEntry.READ;
            case "write" -> AclEntry.WRITE;
            case "readwrite" -> AclEntry.READWRITE;
            case "deny" -> AclEntry.DENY;
            default -> -1;
        };
    }

    /** The first word and the stripped rest; words are separated by spaces or tabs, the rest keeps inner spaces. */
    private static String[] splitFirstWord(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                return new String[] {text.substring(0, i), text.substring(i + 1).strip()};
            }
        }
        return new String[] {text, ""};
    }

    private static IllegalArgumentException error(Path file, int lineNumber, String reason) {
        return new IllegalArgumentException(file + " line " + lineNumber + ": " + reason);
    }

    /** One user's (or the anonymous clients', or the patterns') entries by what they decide. */
    private record Entries(AclEntry[] denies, AclEntry[] reads, AclEntry[] writes) {
        AclEntry[] grants(int access) {
            return access == AclEntry.WRITE ? writes : reads;
        }
    }

    private static final class Builder {
        private final List<AclEntry> denies = new ArrayList<>();
        private final List<AclEntry> reads = new ArrayList<>();
        private final List<AclEntry> writes = new ArrayList<>();

        void add(AclEntry entry) {
            if (entry.access() == AclEntry.DENY) {
                denies.add(entry);
            }
            if ((entry.access() & AclEntry.READ) != 0) {
                reads.add(entry);
            }
            if ((entry.access() & AclEntry.WRITE) != 0) {
                writes.add(entry);
            }
        }

        Entries build() {
            return new Entries(denies.toArray(NONE), reads.toArray(NONE), writes.toArray(NONE));
        }
    }
}
