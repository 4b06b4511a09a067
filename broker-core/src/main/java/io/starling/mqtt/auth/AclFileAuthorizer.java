package io.starling.mqtt.auth;

import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides topic access from a file in the syntax of Mosquitto's {@code acl_file}, so an existing file works
 * unchanged:
 * <pre>
 * # Clients without a user name: the lines before the first 'user' line.
 * topic read $SYS/#
 *
 * # The rest of a 'user' line is the name, spaces included.
 * user roger
 * # No access word means readwrite.
 * topic foo/bar
 * topic deny foo/bar/secret
 * # A topic with spaces needs the access word.
 * topic read my topic/with spaces
 *
 * # Patterns apply to every client: %c is the client id, %u the user name.
 * pattern write devices/%c/state
 * </pre>
 * Access words are {@code read}, {@code write}, {@code readwrite} and {@code deny}. Lines are trimmed; blank lines
 * and lines starting with {@code #} are ignored (there are no comments at the end of a line).
 *
 * <p>Semantics, Mosquitto 2.0's unless listed below. Anything not granted is refused, and so is everything when the
 * file holds no rule. A client with a user name gets the lines of its {@code user} sections (one user may have
 * several) and the patterns; a client without one gets the lines before the first {@code user} line and the
 * patterns. Publishing needs a {@code write} or {@code readwrite} entry matching the topic, receiving a {@code read}
 * or {@code readwrite} one, and a matching {@code deny} entry refuses both, whatever the order of the lines. A topic
 * starting with {@code $} is only matched by entries that start with {@code $} ({@code #} does not grant
 * {@code $SYS/...}). In a pattern, {@code %c} or {@code %u} filling a whole level matches exactly the client id or
 * user name; a pattern mentioning {@code %u} never applies to clients without a user name, and neither kind matches
 * an empty value.
 *
 * <p>Deliberate differences from Mosquitto 2.0.11:
 * <ul>
 *   <li>Subscriptions are checked. Mosquitto's {@code acl_file} grants every SUBSCRIBE (its code says "FIXME -
 *   implement ACL subscription strings") and only filters messages on delivery. Here a subscription is allowed when a
 *   read grant covers every topic it can match ({@code a/#} covers {@code a}, {@code a/+} and {@code a/b/#} but not
 *   {@code #}), as Mosquitto's own {@code mosquitto_sub_matches_acl} decides, and no deny entry covers it. A filter
 *   that merely overlaps a deny ({@code #} next to {@code topic deny secret/#}) is allowed; the broker drops the
 *   denied messages through {@link #canReceive}.</li>
 *   <li>A deny applies whichever list it comes from. Mosquitto checks the user's own lines before the patterns, so
 *   there a user's grant outweighs a pattern's deny; here the deny wins.</li>
 *   <li>{@code %c} and {@code %u} are replaced only when they fill a whole level, as {@code mosquitto.conf(5)} says
 *   and later Mosquitto versions do; 2.0.11 replaces them anywhere. Elsewhere they are literal text (a warning is
 *   logged at load).</li>
 *   <li>A client whose id or user name contains {@code +}, {@code #} or {@code /} gets nothing from patterns
 *   (deny patterns that do not depend on the value still apply). Mosquitto since 1.5 refuses {@code +} and
 *   {@code #} (CVE-2017-7650); a value with {@code /} could never equal one level here anyway.</li>
 *   <li>{@code topic read} with nothing after it is an error; Mosquitto takes it as a grant on a topic named
 *   {@code read}. Tabs separate words as spaces do, and a comment may be indented.</li>
 * </ul>
 *
 * <p>Threading: checks run on event loops without locks, I/O or allocation; they read one volatile reference to an
 * immutable rule set. {@link #reload()} builds a new set and swaps it in, so a check uses the old rules or the new
 * ones, never a mix, and a file that fails to load leaves the old rules in force.
 */
public final class AclFileAuthorizer implements Authorizer {
    private final Path file;
    private volatile AclRules rules;

    private AclFileAuthorizer(Path file, AclRules rules) {
        this.file = file;
        this.rules = rules;
    }

    /**
     * Reads an ACL file.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException for a malformed line (an unknown keyword or access word, a {@code topic} or
     *     {@code pattern} without a filter, an invalid filter, a {@code user} without a name), with the file, the
     *     line number and the reason
     */
    public static AclFileAuthorizer load(Path file) throws IOException {
        return new AclFileAuthorizer(file, read(file));
    }

    /**
     * Reads the file again and switches to its rules at once. On any failure the rules loaded before stay in force,
     * so a mistake in the file neither opens nor closes the broker.
     *
     * @throws IOException if the file cannot be read (for example it no longer exists)
     * @throws IllegalArgumentException for a malformed line, with the file, the line number and the reason
     */
    public synchronized void reload() throws IOException {
        // Synchronized so that of two concurrent reloads the one that read later also publishes later.
        rules = read(file);
    }

    private static AclRules read(Path file) throws IOException {
        return AclRules.parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** The file this authorizer reads, as given to {@link #load}. */
    public Path file() {
        return file;
    }

    /** The number of {@code topic} and {@code pattern} lines in force. */
    public int ruleCount() {
        return rules.ruleCount();
    }

    /** The number of distinct user names with a {@code user} section in force. */
    public int userCount() {
        return rules.userCount();
    }

    @Override
    public boolean canPublish(ClientInfo client, TopicName topic) {
        return rules.allows(client, topic.value(), AclEntry.WRITE);
    }

    @Override
    public boolean canSubscribe(ClientInfo client, TopicFilter filter) {
        return rules.allowsSubscription(client, filter);
    }

    @Override
    public boolean canReceive(ClientInfo client, TopicName topic) {
        return rules.allows(client, topic.value(), AclEntry.READ);
    }

    @Override
    public String toString() {
        return "AclFileAuthorizer[" + file + "]";
    }
}
