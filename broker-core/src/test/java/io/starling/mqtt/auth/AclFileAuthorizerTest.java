package io.starling.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ACL files in Mosquitto's acl_file syntax. */
@Timeout(30)
class AclFileAuthorizerTest {
    /** Mosquitto's documentation example, verbatim: {@code aclfile.example} as Debian's mosquitto 2.0.11 ships it. */
    private static final String MOSQUITTO_EXAMPLE = """
            # This affects access control for clients with no username.
            topic read $SYS/#

            # This only affects clients with username "roger".
            user roger
            topic foo/bar

            # This affects all clients.
            pattern write $SYS/broker/connection/%c/state
            """;

    private static final ClientInfo ANONYMOUS = new ClientInfo("anon-1", null, "127.0.0.1:50000");
    private static final ClientInfo ALICE = new ClientInfo("alice-phone", "alice", "127.0.0.1:50001");
    private static final ClientInfo BOB = new ClientInfo("bob-laptop", "bob", "127.0.0.1:50002");

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("acl"), content, StandardCharsets.UTF_8);
    }

    private AclFileAuthorizer acl(String... lines) throws IOException {
        return AclFileAuthorizer.load(write(String.join("\n", lines) + "\n"));
    }

    private static boolean pub(AclFileAuthorizer acl, ClientInfo client, String topic) {
        return acl.canPublish(client, TopicName.of(topic));
    }

    private static boolean receive(AclFileAuthorizer acl, ClientInfo client, String topic) {
        return acl.canReceive(client, TopicName.of(topic));
    }

    private static boolean sub(AclFileAuthorizer acl, ClientInfo client, String filter) {
        return acl.canSubscribe(client, TopicFilter.of(filter));
    }

    private static ClientInfo client(String clientId, String username) {
        return new ClientInfo(clientId, username, "127.0.0.1:50003");
    }

    // ---- keywords and access words ----

    @Test
    @DisplayName("'topic read' grants receiving and subscribing, not publishing")
    void readAccess() throws IOException {
        AclFileAuthorizer acl = acl("topic read sensors/#");
        assertThat(receive(acl, ANONYMOUS, "sensors/kitchen")).isTrue();
        assertThat(sub(acl, ANONYMOUS, "sensors/+")).isTrue();
        assertThat(pub(acl, ANONYMOUS, "sensors/kitchen")).isFalse();
    }

    @Test
    @DisplayName("'topic write' grants publishing, not receiving or subscribing")
    void writeAccess() throws IOException {
        AclFileAuthorizer acl = acl("topic write sensors/#");
        assertThat(pub(acl, ANONYMOUS, "sensors/kitchen")).isTrue();
        assertThat(receive(acl, ANONYMOUS, "sensors/kitchen")).isFalse();
        assertThat(sub(acl, ANONYMOUS, "sensors/#")).isFalse();
    }

    @Test
    @DisplayName("'topic readwrite' and a topic line without access word both grant read and write")
    void readwriteAndDefaultAccess() throws IOException {
        AclFileAuthorizer acl = acl("topic readwrite a/#", "topic b");
        for (String topic : List.of("a/x", "b")) {
            assertThat(pub(acl, ANONYMOUS, topic)).as(topic).isTrue();
            assertThat(receive(acl, ANONYMOUS, topic)).as(topic).isTrue();
            assertThat(sub(acl, ANONYMOUS, topic)).as(topic).isTrue();
        }
        assertThat(pub(acl, ANONYMOUS, "b/c")).isFalse();
    }

    @Test
    @DisplayName("'topic deny' refuses publish, receive and subscribe that a broader grant allows, before or after it")
    void denyWinsOverGrants() throws IOException {
        AclFileAuthorizer denyAfter = acl("topic readwrite home/#", "topic deny home/alarm/#");
        AclFileAuthorizer denyBefore = acl("topic deny home/alarm/#", "topic readwrite home/#");
        for (AclFileAuthorizer acl : List.of(denyAfter, denyBefore)) {
            assertThat(pub(acl, ANONYMOUS, "home/alarm/code")).isFalse();
            assertThat(receive(acl, ANONYMOUS, "home/alarm/code")).isFalse();
            assertThat(receive(acl, ANONYMOUS, "home/alarm")).isFalse();
            assertThat(sub(acl, ANONYMOUS, "home/alarm/+")).isFalse();
            assertThat(pub(acl, ANONYMOUS, "home/light")).isTrue();
            assertThat(receive(acl, ANONYMOUS, "home/light")).isTrue();
        }
    }

    @Test
    @DisplayName("a deny pattern refuses what the user's own lines grant (stricter than Mosquitto, which checks user lines first)")
    void patternDenyBeatsUserGrant() throws IOException {
        AclFileAuthorizer acl = acl("user alice", "topic readwrite #", "pattern deny private/%u/#");
        assertThat(pub(acl, ALICE, "private/alice/diary")).isFalse();
        assertThat(receive(acl, ALICE, "private/alice/diary")).isFalse();
        assertThat(pub(acl, ALICE, "private/bob/diary")).isTrue();
        assertThat(pub(acl, ALICE, "public/notes")).isTrue();
    }

    @Test
    @DisplayName("default deny: a file with only comments refuses everything, and so does a user the file does not name")
    void defaultDeny() throws IOException {
        AclFileAuthorizer empty = acl("# nothing granted", "");
        assertThat(empty.ruleCount()).isZero();
        assertThat(pub(empty, ANONYMOUS, "a")).isFalse();
        assertThat(receive(empty, ALICE, "a")).isFalse();
        assertThat(sub(empty, ALICE, "#")).isFalse();

        AclFileAuthorizer onlyAlice = acl("user alice", "topic #");
        assertThat(pub(onlyAlice, ALICE, "a")).isTrue();
        assertThat(pub(onlyAlice, BOB, "a")).isFalse();
        assertThat(sub(onlyAlice, BOB, "#")).isFalse();
    }

    // ---- anonymous vs users ----

    @Test
    @DisplayName("lines before the first 'user' apply to anonymous clients only; a user's lines apply to that user only")
    void anonymousAndUserSections() throws IOException {
        AclFileAuthorizer acl = acl(
                "topic read public/#",
                "user alice",
                "topic readwrite alice/#",
                "user bob",
                "topic readwrite bob/#");
        assertThat(receive(acl, ANONYMOUS, "public/news")).isTrue();
        assertThat(receive(acl, ALICE, "public/news")).isFalse();
        assertThat(pub(acl, ALICE, "alice/x")).isTrue();
        assertThat(pub(acl, ALICE, "bob/x")).isFalse();
        assertThat(pub(acl, BOB, "bob/x")).isTrue();
        assertThat(pub(acl, ANONYMOUS, "alice/x")).isFalse();
        // An empty user name is a user name, not anonymity.
        assertThat(receive(acl, client("c", ""), "public/news")).isFalse();
        assertThat(acl.userCount()).isEqualTo(2);
        assertThat(acl.ruleCount()).isEqualTo(3);
    }

    @Test
    @DisplayName("two 'user' sections for the same name add up, and user names are case-sensitive")
    void repeatedUserSections() throws IOException {
        AclFileAuthorizer acl = acl("user alice", "topic a", "user bob", "topic b", "user alice", "topic c");
        assertThat(pub(acl, ALICE, "a")).isTrue();
        assertThat(pub(acl, ALICE, "c")).isTrue();
        assertThat(pub(acl, ALICE, "b")).isFalse();
        assertThat(pub(acl, client("x", "Alice"), "a")).isFalse();
        assertThat(acl.userCount()).isEqualTo(2);
    }

    @Test
    @DisplayName("user names and topics may contain spaces; extra blanks around them are trimmed")
    void spacesInUserNamesAndTopics() throws IOException {
        AclFileAuthorizer acl = acl(
                "user   John Smith  ",
                "topic  read   living room/lamp state  ",
                "topic\twrite\tkitchen/oven");
        ClientInfo john = client("john-1", "John Smith");
        assertThat(receive(acl, john, "living room/lamp state")).isTrue();
        assertThat(sub(acl, john, "living room/lamp state")).isTrue();
        assertThat(receive(acl, john, "living room/lamp  state")).isFalse();
        assertThat(pub(acl, john, "kitchen/oven")).isTrue();
        assertThat(pub(acl, client("john-2", "John"), "kitchen/oven")).isFalse();
    }

    @Test
    @DisplayName("comments, indented comments, blank lines and CRLF line ends are ignored")
    void commentsAndBlankLines() throws IOException {
        Path file = write("# header\r\n\r\n   # indented comment\r\n\t\r\ntopic read a/#\r\n#topic read b/#\r\n");
        AclFileAuthorizer acl = AclFileAuthorizer.load(file);
        assertThat(acl.ruleCount()).isEqualTo(1);
        assertThat(receive(acl, ANONYMOUS, "a/1")).isTrue();
        assertThat(receive(acl, ANONYMOUS, "b/1")).isFalse();
    }

    // ---- patterns ----

    @Test
    @DisplayName("%c in a pattern is the client id, for anonymous clients and users alike, wherever the pattern stands")
    void clientIdPattern() throws IOException {
        AclFileAuthorizer acl = acl("pattern write devices/%c/state", "user alice", "topic read x");
        assertThat(pub(acl, client("dev1", null), "devices/dev1/state")).isTrue();
        assertThat(pub(acl, client("dev1", null), "devices/dev2/state")).isFalse();
        assertThat(pub(acl, ALICE, "devices/alice-phone/state")).isTrue();
        assertThat(pub(acl, ALICE, "devices/dev1/state")).isFalse();
        assertThat(receive(acl, client("dev1", null), "devices/dev1/state")).isFalse();
        // The id must be the whole level, not a prefix of it or a part of it.
        assertThat(pub(acl, client("dev", null), "devices/dev1/state")).isFalse();
        assertThat(pub(acl, client("dev12", null), "devices/dev1/state")).isFalse();
    }

    @Test
    @DisplayName("%u in a pattern is the user name, and a pattern mentioning %u never applies to anonymous clients")
    void usernamePattern() throws IOException {
        AclFileAuthorizer acl = acl("pattern readwrite users/%u/#", "pattern read shared/%u%c");
        assertThat(pub(acl, ALICE, "users/alice/inbox")).isTrue();
        assertThat(sub(acl, ALICE, "users/alice/#")).isTrue();
        assertThat(pub(acl, ALICE, "users/bob/inbox")).isFalse();
        assertThat(sub(acl, BOB, "users/alice/#")).isFalse();
        assertThat(pub(acl, ANONYMOUS, "users/anon-1/inbox")).isFalse();
        // Not a whole level: literal text, and still only for clients with a user name.
        assertThat(receive(acl, ALICE, "shared/%u%c")).isTrue();
        assertThat(receive(acl, ANONYMOUS, "shared/%u%c")).isFalse();
    }

    @Test
    @DisplayName("%c and %u are replaced only when they fill a whole level (as mosquitto.conf(5) documents)")
    void placeholdersOnlyAsWholeLevels() throws IOException {
        AclFileAuthorizer acl = acl("pattern write x%c/y", "pattern write %c");
        ClientInfo id1 = client("id1", null);
        assertThat(pub(acl, id1, "xid1/y")).isFalse();
        assertThat(pub(acl, id1, "x%c/y")).isTrue();
        assertThat(pub(acl, id1, "id1")).isTrue();
        assertThat(pub(acl, id1, "id1/y")).isFalse();
    }

    @Test
    @DisplayName("client ids or user names with +, # or / never get pattern grants (CVE-2017-7650)")
    void wildcardIdsNeverMatchPatterns() throws IOException {
        AclFileAuthorizer acl = acl("pattern read devices/%c/#", "pattern read users/%u", "pattern read public/#");
        assertThat(sub(acl, client("+", null), "devices/+/#")).isFalse();
        assertThat(sub(acl, client("#", null), "devices/#")).isFalse();
        assertThat(receive(acl, client("a/b", null), "devices/a/b/x")).isFalse();
        assertThat(sub(acl, client("c", "+"), "users/+")).isFalse();
        // Not even the patterns without a placeholder, as Mosquitto refuses such clients outright.
        assertThat(receive(acl, client("a+b", null), "public/news")).isFalse();
        assertThat(receive(acl, client("ok", "x#y"), "public/news")).isFalse();
        // The same checks pass for ordinary values, so the refusals above are not accidents of the filters.
        assertThat(sub(acl, client("dev1", null), "devices/dev1/#")).isTrue();
        assertThat(sub(acl, client("c", "carol"), "users/carol")).isTrue();
        assertThat(receive(acl, client("ok", "carol"), "public/news")).isTrue();
    }

    @Test
    @DisplayName("an empty client id never matches %c")
    void emptyClientIdNeverMatches() throws IOException {
        AclFileAuthorizer acl = acl("pattern readwrite devices/%c/#");
        assertThat(pub(acl, client("", null), "devices//x")).isFalse();
        assertThat(pub(acl, client("d", null), "devices/d/x")).isTrue();
    }

    @Test
    @DisplayName("a deny pattern without placeholders still applies to a client whose id has a wildcard")
    void denyPatternAppliesToWildcardIds() throws IOException {
        AclFileAuthorizer acl = acl("topic readwrite #", "pattern deny secret/#");
        assertThat(pub(acl, client("a+b", null), "secret/x")).isFalse();
        assertThat(pub(acl, client("a+b", null), "open/x")).isTrue();
    }

    // ---- $SYS ----

    @Test
    @DisplayName("'#' and '+' lines do not reach $SYS topics; only lines starting with the same $ level do")
    void systemTopics() throws IOException {
        AclFileAuthorizer wildcards = acl("topic read #", "topic read +/broker/#");
        assertThat(receive(wildcards, ANONYMOUS, "$SYS/broker/uptime")).isFalse();
        assertThat(sub(wildcards, ANONYMOUS, "$SYS/#")).isFalse();
        assertThat(sub(wildcards, ANONYMOUS, "$SYS/broker/uptime")).isFalse();
        assertThat(receive(wildcards, ANONYMOUS, "other/broker/uptime")).isTrue();

        AclFileAuthorizer sys = acl("topic read $SYS/#");
        assertThat(receive(sys, ANONYMOUS, "$SYS/broker/uptime")).isTrue();
        assertThat(sub(sys, ANONYMOUS, "$SYS/#")).isTrue();
        assertThat(sub(sys, ANONYMOUS, "$SYS/broker/+")).isTrue();
        assertThat(receive(sys, ANONYMOUS, "$other/x")).isFalse();
        assertThat(sub(sys, ANONYMOUS, "#")).isFalse();
        assertThat(pub(sys, ANONYMOUS, "$SYS/broker/uptime")).isFalse();
    }

    // ---- subscriptions ----

    @Test
    @DisplayName("a subscription is allowed only when a read grant covers all of it: 'a/#' allows a, a/+, a/b/# but not #")
    void subscriptionCoverage() throws IOException {
        AclFileAuthorizer acl = acl("topic read a/#");
        assertThat(sub(acl, ANONYMOUS, "#")).isFalse();
        assertThat(sub(acl, ANONYMOUS, "+/b")).isFalse();
        assertThat(sub(acl, ANONYMOUS, "+")).isFalse();
        assertThat(sub(acl, ANONYMOUS, "a/#")).isTrue();
        assertThat(sub(acl, ANONYMOUS, "a")).isTrue();
        assertThat(sub(acl, ANONYMOUS, "a/+")).isTrue();
        assertThat(sub(acl, ANONYMOUS, "a/+/c/#")).isTrue();
        assertThat(sub(acl, ANONYMOUS, "b/#")).isFalse();

        AclFileAuthorizer everything = acl("topic read #");
        assertThat(sub(everything, ANONYMOUS, "#")).isTrue();
        assertThat(sub(everything, ANONYMOUS, "+/+")).isTrue();
    }

    @Test
    @DisplayName("a '+' grant covers '+' and single names at its level, never '#' or deeper filters")
    void singleLevelGrantCoverage() throws IOException {
        AclFileAuthorizer acl = acl("topic read a/+");
        assertThat(sub(acl, ANONYMOUS, "a/b")).isTrue();
        assertThat(sub(acl, ANONYMOUS, "a/+")).isTrue();
        assertThat(sub(acl, ANONYMOUS, "a/")).isTrue();
        assertThat(sub(acl, ANONYMOUS, "a/#")).isFalse();
        assertThat(sub(acl, ANONYMOUS, "a")).isFalse();
        assertThat(sub(acl, ANONYMOUS, "a/b/c")).isFalse();
        assertThat(sub(acl, ANONYMOUS, "+/b")).isFalse();
    }

    @Test
    @DisplayName("a deny refuses subscriptions it covers; one that only overlaps it is allowed and filtered on delivery")
    void denyAndSubscriptions() throws IOException {
        AclFileAuthorizer acl = acl("topic read #", "topic deny secret/#");
        assertThat(sub(acl, ANONYMOUS, "secret/x")).isFalse();
        assertThat(sub(acl, ANONYMOUS, "secret/#")).isFalse();
        assertThat(sub(acl, ANONYMOUS, "secret")).isFalse();
        assertThat(sub(acl, ANONYMOUS, "#")).isTrue();
        assertThat(sub(acl, ANONYMOUS, "+/x")).isTrue();
        assertThat(receive(acl, ANONYMOUS, "secret/x")).isFalse();
        assertThat(receive(acl, ANONYMOUS, "open/x")).isTrue();
    }

    @Test
    @DisplayName("a subscription a grant covers never reaches a topic the grant does not match (sampled exhaustively)")
    void coverageIsSound() throws IOException {
        List<String> filters = List.of("#", "+", "a", "a/#", "a/+", "+/b", "a/b", "a/+/c", "+/+", "/+", "+/",
                "a/+/#", "+/#", "a/b/#", "$SYS/#", "$SYS/+", "/#", "a//b");
        List<String> topics = List.of("a", "a/b", "a/b/c", "a/c", "b", "/", "/a", "a/", "a//b", "$SYS", "$SYS/x",
                "$SYS/x/y", "x/b", "a/x/c", "a/b/c/d");
        int covered = 0;
        for (String grant : filters) {
            AclFileAuthorizer acl = acl("topic read " + grant);
            TopicFilter grantFilter = TopicFilter.of(grant);
            for (String subscription : filters) {
                if (!sub(acl, ANONYMOUS, subscription)) {
                    continue;
                }
                covered++;
                for (String topic : topics) {
                    if (TopicFilter.of(subscription).matches(TopicName.of(topic))) {
                        assertThat(grantFilter.matches(TopicName.of(topic)))
                                .as("grant %s allowed subscription %s, which reaches %s", grant, subscription, topic)
                                .isTrue();
                    }
                }
            }
        }
        assertThat(covered).isGreaterThan(filters.size());
    }

    @Test
    @DisplayName("publish and receive checks match topics exactly as TopicFilter.matches does (section 4.7)")
    void matchingAgreesWithTopicFilter() throws IOException {
        List<String> filters = List.of("#", "+", "a", "a/#", "a/+", "+/b", "a/b", "a/+/c", "+/+", "/+", "+/",
                "a/+/#", "+/#", "$SYS/#", "$SYS/+", "/#", "a//b", "%c");
        List<String> topics = List.of("a", "a/b", "a/b/c", "a/c", "b", "/", "/a", "a/", "a//b", "$SYS", "$SYS/x",
                "$SYS/x/y", "x/b", "a/x/c", "%c");
        for (String filter : filters) {
            AclFileAuthorizer acl = acl("topic readwrite " + filter);
            for (String topic : topics) {
                boolean expected = TopicFilter.of(filter).matches(TopicName.of(topic));
                assertThat(receive(acl, ANONYMOUS, topic)).as("%s vs %s", filter, topic).isEqualTo(expected);
                assertThat(pub(acl, ANONYMOUS, topic)).as("%s vs %s", filter, topic).isEqualTo(expected);
            }
        }
    }

    // ---- Mosquitto's own examples ----

    @Test
    @DisplayName("Mosquitto's aclfile.example, verbatim, means what its comments say")
    void mosquittoDocumentationExample() throws IOException {
        AclFileAuthorizer acl = AclFileAuthorizer.load(write(MOSQUITTO_EXAMPLE));
        assertThat(acl.ruleCount()).isEqualTo(3);
        assertThat(acl.userCount()).isEqualTo(1);
        ClientInfo roger = client("roger-1", "roger");
        ClientInfo bridge = client("bridge1", null);

        // "This affects access control for clients with no username."
        assertThat(receive(acl, ANONYMOUS, "$SYS/broker/uptime")).isTrue();
        assertThat(sub(acl, ANONYMOUS, "$SYS/#")).isTrue();
        assertThat(pub(acl, ANONYMOUS, "$SYS/broker/uptime")).isFalse();
        assertThat(receive(acl, roger, "$SYS/broker/uptime")).isFalse();
        // "This only affects clients with username "roger"."
        assertThat(pub(acl, roger, "foo/bar")).isTrue();
        assertThat(receive(acl, roger, "foo/bar")).isTrue();
        assertThat(sub(acl, roger, "foo/bar")).isTrue();
        assertThat(pub(acl, ANONYMOUS, "foo/bar")).isFalse();
        assertThat(pub(acl, ALICE, "foo/bar")).isFalse();
        // "This affects all clients."
        assertThat(pub(acl, bridge, "$SYS/broker/connection/bridge1/state")).isTrue();
        assertThat(pub(acl, roger, "$SYS/broker/connection/roger-1/state")).isTrue();
        assertThat(pub(acl, ALICE, "$SYS/broker/connection/alice-phone/state")).isTrue();
        assertThat(pub(acl, bridge, "$SYS/broker/connection/other/state")).isFalse();
        assertThat(receive(acl, roger, "$SYS/broker/connection/roger-1/state")).isFalse();
    }

    @Test
    @DisplayName("the installed Mosquitto's aclfile.example is the text this test class quotes")
    void installedExampleIsTheQuotedOne() throws IOException {
        Path installed = Path.of("/usr/share/doc/mosquitto/examples/aclfile.example");
        Assumptions.assumeTrue(Files.isReadable(installed),
                "mosquitto not installed (apt-get install mosquitto); .ci/run installs it");
        assertThat(Files.readString(installed)).isEqualTo(MOSQUITTO_EXAMPLE);
        assertThat(AclFileAuthorizer.load(installed).ruleCount()).isEqualTo(3);
    }

    @Test
    @DisplayName("the mosquitto.conf(5) pattern example 'pattern write sensor/%u/data'")
    void mosquittoManPageExample() throws IOException {
        AclFileAuthorizer acl = acl("pattern write sensor/%u/data");
        assertThat(pub(acl, ALICE, "sensor/alice/data")).isTrue();
        assertThat(pub(acl, ALICE, "sensor/bob/data")).isFalse();
        assertThat(pub(acl, ANONYMOUS, "sensor/%u/data")).isFalse();
    }

    // ---- malformed files ----

    private void assertLoadFails(String content, int line, String reason) throws IOException {
        Path file = write(content);
        assertThatThrownBy(() -> AclFileAuthorizer.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + " line " + line + ": " + reason);
    }

    @Test
    @DisplayName("an unknown keyword (keywords are case-sensitive) fails loading with file and line")
    void unknownKeyword() throws IOException {
        assertLoadFails("topic a\n# ok\ntopics read b\n", 3, "unknown keyword 'topics' (expected topic, user or pattern)");
        assertLoadFails("Topic read b\n", 1, "unknown keyword 'Topic'");
        assertLoadFails("topic a # trailing comment\n", 1, "unknown access 'a'");
    }

    @Test
    @DisplayName("an unknown access word, or a topic with spaces but no access word, fails loading")
    void unknownAccessWord() throws IOException {
        assertLoadFails("\nuser alice\ntopic rw a/b\n", 3,
                "unknown access 'rw' (expected read, write, readwrite or deny");
        assertLoadFails("topic living room\n", 1, "unknown access 'living'");
        assertLoadFails("pattern READ a/%c\n", 1, "unknown access 'READ'");
    }

    @Test
    @DisplayName("'topic' or 'pattern' without a filter, even after an access word, fails loading")
    void missingFilter() throws IOException {
        assertLoadFails("topic   \n", 1, "'topic' needs a topic filter");
        assertLoadFails("topic a\npattern\n", 2, "'pattern' needs a topic filter");
        assertLoadFails("topic read\n", 1, "no topic filter after 'topic read'");
        assertLoadFails("pattern deny \n", 1, "no topic filter after 'pattern deny'");
    }

    @Test
    @DisplayName("an invalid topic filter fails loading with the rule it breaks")
    void invalidFilter() throws IOException {
        assertLoadFails("topic read a/#/b\n", 1, "invalid topic filter: '#' must be the last level");
        assertLoadFails("topic a\ntopic write sport+\n", 2, "invalid topic filter: '+' must occupy a whole level");
        assertLoadFails("pattern read x/%c#\n", 1, "invalid topic filter: '#' must occupy a whole level");
    }

    @Test
    @DisplayName("'user' without a name fails loading")
    void userWithoutName() throws IOException {
        assertLoadFails("topic a\n\nuser  \t \n", 3, "'user' needs a user name");
    }

    @Test
    @DisplayName("a file that cannot be read fails with an IOException")
    void missingFile() {
        assertThatThrownBy(() -> AclFileAuthorizer.load(dir.resolve("absent")))
                .isInstanceOf(NoSuchFileException.class);
    }

    // ---- reload ----

    @Test
    @DisplayName("reload() switches to the file's new rules")
    void reloadSwitchesRules() throws IOException {
        Path file = write("topic read a/#\n");
        AclFileAuthorizer acl = AclFileAuthorizer.load(file);
        assertThat(acl.file()).isEqualTo(file);
        assertThat(receive(acl, ANONYMOUS, "a/1")).isTrue();
        Files.writeString(file, "topic read b/#\ntopic deny b/secret\nuser alice\ntopic c\n");
        acl.reload();
        assertThat(receive(acl, ANONYMOUS, "a/1")).isFalse();
        assertThat(receive(acl, ANONYMOUS, "b/1")).isTrue();
        assertThat(receive(acl, ANONYMOUS, "b/secret")).isFalse();
        assertThat(pub(acl, ALICE, "c")).isTrue();
        assertThat(acl.ruleCount()).isEqualTo(3);
        assertThat(acl.userCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("a reload that fails (malformed line or missing file) throws and keeps the old rules")
    void failedReloadKeepsOldRules() throws IOException {
        Path file = write("topic read a/#\n");
        AclFileAuthorizer acl = AclFileAuthorizer.load(file);
        Files.writeString(file, "topic read b/#\ntopic raed c\n");
        assertThatThrownBy(acl::reload)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + " line 2: unknown access 'raed' (expected read, write, readwrite or deny; "
                        + "a topic with spaces needs one of them)");
        assertThat(receive(acl, ANONYMOUS, "a/1")).isTrue();
        assertThat(receive(acl, ANONYMOUS, "b/1")).isFalse();
        assertThat(acl.ruleCount()).isEqualTo(1);

        Files.delete(file);
        assertThatThrownBy(acl::reload).isInstanceOf(NoSuchFileException.class);
        assertThat(receive(acl, ANONYMOUS, "a/1")).isTrue();

        Files.writeString(file, "topic read b/#\n");
        acl.reload();
        assertThat(receive(acl, ANONYMOUS, "b/1")).isTrue();
        assertThat(receive(acl, ANONYMOUS, "a/1")).isFalse();
    }

    @Test
    @DisplayName("checks on another thread during reloads always see a whole rule set, old or new, and see the new one")
    void reloadWhileChecking() throws Exception {
        StringBuilder a = new StringBuilder("topic deny common/secret\n");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            a.append("topic read filler/a/").append(i).append('\n');
            b.append("user u").append(i).append("\ntopic read filler/b/").append(i).append('\n');
        }
        a.append("topic readwrite common/#\ntopic read only-a/#\n");
        b.append("user u0\n").insert(0, "topic readwrite common/#\ntopic read only-b/#\ntopic deny common/secret\n");
        Path file = write(a.toString());
        AclFileAuthorizer acl = AclFileAuthorizer.load(file);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicLong checks = new AtomicLong();
        AtomicBoolean sawA = new AtomicBoolean();
        AtomicBoolean sawB = new AtomicBoolean();
        TopicName common = TopicName.of("common/x");
        TopicName secret = TopicName.of("common/secret");
        TopicName onlyA = TopicName.of("only-a/x");
        TopicName onlyB = TopicName.of("only-b/x");
        TopicFilter commonFilter = TopicFilter.of("common/+");
        Thread checker = new Thread(() -> {
            while (!stop.get() && failure.get() == null) {
                // True in both files: a torn or half-built rule set would answer otherwise at some point.
                if (!acl.canPublish(ANONYMOUS, common) || !acl.canSubscribe(ANONYMOUS, commonFilter)) {
                    failure.set("common/x refused after " + checks.get() + " checks");
                }
                if (acl.canReceive(ANONYMOUS, secret)) {
                    failure.set("common/secret allowed after " + checks.get() + " checks");
                }
                if (acl.canReceive(ANONYMOUS, onlyA)) {
                    sawA.set(true);
                }
                if (acl.canReceive(ANONYMOUS, onlyB)) {
                    sawB.set(true);
                }
                checks.incrementAndGet();
            }
        }, "acl-checker");
        checker.start();
        try {
            String[] contents = {b.toString(), a.toString()};
            int[] reloads = {0};
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1)).pollInSameThread().until(() -> {
                Files.writeString(file, contents[reloads[0]++ % 2]);
                acl.reload();
                return failure.get() != null
                        || (reloads[0] >= 50 && sawA.get() && sawB.get() && checks.get() > 10_000);
            });
        } finally {
            stop.set(true);
            checker.join(10_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(checker.isAlive()).isFalse();
        assertThat(sawA).isTrue();
        assertThat(sawB).isTrue();
    }
}
