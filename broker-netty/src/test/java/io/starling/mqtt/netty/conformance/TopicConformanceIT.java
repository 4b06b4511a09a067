package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.MARKER;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.assertAlive;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.e;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.expectSubAck;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.publishesUntilMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.sendMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.subscribe;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.subscriber;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.topics;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.conformance.SubscriptionWireSupport.Entry;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.topic.TopicName;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Topic names and filters at the wire (section 4.7 except 4.7.2, which is in {@link DollarTopicConformanceIT}):
 * wildcards only in filters, the shape and matching of {@code #} and {@code +}, and the topic rules of 4.7.3.
 * Starling's choice for an invalid filter is to close the connection (no SUBACK 0x80).
 */
@Timeout(30)
class TopicConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started();
    private int clientCount;

    private RawClient connected(String prefix) {
        return broker.rawConnected(prefix + "-" + (++clientCount), true);
    }

    /** Subscribes a fresh client to {@code filter}, publishes {@code published} in order, returns what arrived. */
    private List<String> delivered(String filter, String... published) {
        RawClient sub = subscriber(broker, "sub-" + (++clientCount), filter, 0);
        RawClient pub = connected("pub");
        for (String topic : published) {
            pub.send(Bytes.publish(topic, 0, 0, "m"));
        }
        sendMarker(pub);
        return topics(publishesUntilMarker(sub));
    }

    /** A SUBSCRIBE with {@code filter} closes the connection without SUBACK; the bystander is unaffected. */
    private void assertFilterRefused(String filter) {
        RawClient bystander = connected("bystander");
        RawClient c = connected("refused");
        c.send(subscribe(1, e(filter, 0)));
        c.expectClosed();
        assertAlive(bystander);
    }

    /** {@code packetHex} from a connected client closes that connection; a '#' subscriber receives nothing of it. */
    private void assertClosedAndNothingRouted(String what, String clientPrefix, String packetHex) {
        RawClient all = subscriber(broker, "all", "#", 0);
        RawClient c = connected(clientPrefix);
        c.send(Bytes.hex(packetHex));
        c.expectClosed();
        RawClient pub = connected("pub");
        sendMarker(pub);
        assertThat(publishesUntilMarker(all)).as(what + ": nothing routed").isEmpty();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    // ---- 4.7.1 wildcards ----

    @ParameterizedTest(name = "topic name ''{0}''")
    @ValueSource(strings = {"a/+", "a/#", "+", "#", "sport+", "a/b#", "+/x"})
    @DisplayName("[MQTT-4.7.1-1] a PUBLISH topic name with a wildcard character: closed without PUBACK, not delivered")
    void wildcardInTopicNameCloses(String topic) {
        RawClient all = subscriber(broker, "all", "#", 1);
        RawClient c = connected("wild");
        c.send(Bytes.publish(topic, 1, 1, "w"));
        c.expectClosed();
        RawClient pub = connected("pub");
        sendMarker(pub);
        assertThat(publishesUntilMarker(all)).isEmpty();
    }

    @ParameterizedTest(name = "will topic ''{0}''")
    @ValueSource(strings = {"will/+", "will/#", "#"})
    @DisplayName("[MQTT-4.7.1-1] a Will Topic with a wildcard makes the CONNECT invalid: closed without CONNACK")
    void wildcardInWillTopicCloses(String willTopic) {
        RawClient c = broker.raw();
        c.send(Bytes.connectWithWill("willwild", true, 0, willTopic, utf8("x"), 0, false));
        c.expectClosed();
        assertAlive(connected("bystander"));
    }

    @Test
    @DisplayName("[MQTT-4.7.1-1] the server never emits a wildcard: subscribers of 'a/+' and '#' receive the topic names")
    void deliveredTopicsAreNames() {
        RawClient pub = connected("pub");
        pub.send(Bytes.publish("a/retained", 1, true, false, 1, utf8("r")));
        pub.expect(0x40);
        RawClient plus = subscriber(broker, "plus", "a/+", 1);
        RawClient hash = subscriber(broker, "hash", "#", 1);
        pub.send(Bytes.publish("a/live", 0, 0, "l"));
        sendMarker(pub);
        List<RawPacket> viaPlus = publishesUntilMarker(plus);
        assertThat(topics(viaPlus)).containsExactly("a/retained", "a/live");
        List<String> viaHash = topics(publishesUntilMarker(hash));
        assertThat(viaHash).containsExactly("a/retained", "a/live");
        assertThat(viaPlus).allSatisfy(p -> assertThat(p.topicBytes()).doesNotContain((byte) '+', (byte) '#'));
    }

    @Test
    @DisplayName("[MQTT-4.7.1-2] 'sport/#' matches 'sport', 'sport/' and 'sport/a/b'; '#' matches every non-$ topic")
    void multiLevelWildcardMatching() {
        assertThat(delivered("sport/#", "sport", "sports", "sport/", "sport/a/b", "sport/tennis/player1", "other/sport",
                "Sport/a")).containsExactly("sport", "sport/", "sport/a/b", "sport/tennis/player1");
        assertThat(delivered("#", "a", "/", "/a", "a/b/c", "$SYS/x", "$app", "a$", " "))
                .containsExactly("a", "/", "/a", "a/b/c", "a$", " ");
        assertThat(delivered("a/b/#", "a", "a/b", "a/b/c/d", "a/c")).containsExactly("a/b", "a/b/c/d");
    }

    @ParameterizedTest(name = "filter ''{0}''")
    @ValueSource(strings = {"sport/tennis#", "sport/#/x", "#a", "a/#/", "##", "a/#b"})
    @DisplayName("[MQTT-4.7.1-2] '#' not alone or not last: refused by closing the connection (no SUBACK)")
    void misplacedMultiLevelWildcardRefused(String filter) {
        assertFilterRefused(filter);
    }

    @Test
    @DisplayName("[MQTT-4.7.1-3] '+' fills one whole level: 'sport/+' matches 'sport/' not 'sport'; '+/+' and '/+' match '/finance', '+' does not")
    void singleLevelWildcardMatching() {
        assertThat(delivered("sport/+", "sport", "sport/", "sport/a", "sport/a/b", "sports/a"))
                .containsExactly("sport/", "sport/a");
        assertThat(delivered("+/+", "/finance", "finance", "a/b", "a/b/c")).containsExactly("/finance", "a/b");
        assertThat(delivered("/+", "/finance", "finance", "/", "//", "a/finance")).containsExactly("/finance", "/");
        assertThat(delivered("+", "/finance", "finance", "a/b")).containsExactly("finance");
        assertThat(delivered("a/+/c", "a/b/c", "a//c", "a/b/d", "a/b/c/d")).containsExactly("a/b/c", "a//c");
    }

    @Test
    @DisplayName("[MQTT-4.7.1-3] '+' with '#' is valid: '+/tennis/#' is granted and matches at any first level")
    void singleAndMultiLevelCombined() {
        assertThat(delivered("+/tennis/#", "x/tennis", "x/tennis/a/b", "/tennis", "tennis", "x/y/tennis", "x/tennisx"))
                .containsExactly("x/tennis", "x/tennis/a/b", "/tennis");
        assertThat(delivered("+/+/#", "a", "a/b", "a/b/c")).containsExactly("a/b", "a/b/c");
    }

    @ParameterizedTest(name = "filter ''{0}''")
    @ValueSource(strings = {"sport+", "a/b+/c", "+a", "a/++", "+/+x"})
    @DisplayName("[MQTT-4.7.1-3] '+' sharing a level with other characters: refused by closing the connection (no SUBACK)")
    void misplacedSingleLevelWildcardRefused(String filter) {
        assertFilterRefused(filter);
    }

    // ---- 4.7.3 topic rules ----

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "PUBLISH QoS 0 empty topic, 30 02 0000",
        "PUBLISH QoS 1 empty topic, 32 04 0000 0001",
        "PUBLISH QoS 0 empty topic with payload, 30 04 0000 6869",
        "SUBSCRIBE empty filter, 82 05 0001 0000 00",
        "SUBSCRIBE valid then empty filter, 82 09 0001 0001 61 00 0000 01",
        "UNSUBSCRIBE empty filter, A2 04 0001 0000",
        "UNSUBSCRIBE valid then empty filter, A2 07 0001 0001 61 0000"})
    @DisplayName("[MQTT-4.7.3-1] zero-length topic name or filter: closed (Starling's strict choice, no SUBACK 0x80)")
    void zeroLengthTopicCloses(String what, String packetHex) {
        assertClosedAndNothingRouted(what, "empty", packetHex);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "PUBLISH topic a<NUL>b, 30 06 0003 610062 78",
        "PUBLISH QoS 1 topic <NUL>, 32 05 0001 00 0001",
        "SUBSCRIBE filter a/<NUL>, 82 08 0001 0003 612F00 00",
        "SUBSCRIBE filter #<NUL>, 82 07 0001 0002 2300 00",
        "UNSUBSCRIBE filter a<NUL>b, A2 07 0001 0003 610062"})
    @DisplayName("[MQTT-4.7.3-2] U+0000 in a topic name or filter: closed")
    void nulInTopicCloses(String what, String packetHex) {
        assertClosedAndNothingRouted(what, "nul", packetHex);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ascii, big/+", "three-byte characters, +"})
    @DisplayName("[MQTT-4.7.3-3] a 65535-byte topic name is accepted, matched (exact and wildcard filter) and delivered intact")
    void longestTopicDelivered(String kind, String wildcardFilter) {
        String topic = kind.equals("ascii") ? "big/" + "x".repeat(65_535 - 4) : "\u20ac".repeat(65_535 / 3);
        byte[] topicBytes = utf8(topic);
        assertThat(topicBytes).hasSize(65_535);

        RawClient exact = connected("exact");
        exact.send(subscribe(1, new Entry(topicBytes, 1)));
        expectSubAck(exact, 1, 1);
        RawClient wild = connected("wild");
        wild.send(subscribe(2, e(wildcardFilter, 2)));
        expectSubAck(wild, 2, 2);

        RawClient pub = connected("pub");
        pub.send(Bytes.publish(topic, 1, false, false, 7, utf8("payload")));
        assertThat(pub.read().hex()).as("PUBACK").isEqualTo("40 0007");
        for (RawClient sub : List.of(exact, wild)) {
            RawPacket p = sub.expectPublish();
            assertThat(p.topicBytes()).as("the whole topic name, byte for byte").isEqualTo(topicBytes);
            assertThat(p.payloadString()).isEqualTo("payload");
            assertThat(p.qos()).isEqualTo(1);
            sub.send(Bytes.puback(p.publishId()));
        }
        // Unsubscribing the same 65535-byte filter works too.
        exact.send(Bytes.packet(0xA2, Bytes.of().u16(3).field(topicBytes).build()));
        assertThat(exact.read().hex()).isEqualTo("B0 0003");
    }

    @Test
    @DisplayName("[MQTT-4.7.3-3] a topic of 65536 bytes cannot be created: refused before any encoder sees it")
    void longerTopicRefused() {
        String tooLong = "x".repeat(65_536);
        assertThatThrownBy(() -> TopicName.of(tooLong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MQTT-4.7.3-3");
        assertThatThrownBy(() -> broker.publish(Message.of(tooLong, utf8("x"), QoS.AT_MOST_ONCE, false)))
                .isInstanceOf(IllegalArgumentException.class);
        String euroTooLong = "\u20ac".repeat(21_845) + "x";
        assertThatThrownBy(() -> TopicName.of(euroTooLong)).as("the limit counts UTF-8 bytes, not characters")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("[MQTT-4.7.3-4] matching is exact: no case folding, no Unicode normalization, '/' and spaces significant")
    void exactComparison() {
        byte[] precomposed = Bytes.hex("636166C3A9");      // "café" with U+00E9
        byte[] decomposed = Bytes.hex("63616665CC81");     // "cafe" + U+0301
        byte[] omega = Bytes.hex("CEA9");                  // U+03A9 GREEK CAPITAL OMEGA
        byte[] ohm = Bytes.hex("E284A6");                  // U+2126 OHM SIGN, NFC-equivalent to omega
        RawClient first = connected("first");
        first.send(subscribe(1, e("ACCOUNTS", 0), new Entry(precomposed, 0), e("/finance", 0), e("sport/", 0),
                e("a b", 0), new Entry(omega, 0), e(MARKER, 0)));
        expectSubAck(first, 1, 0, 0, 0, 0, 0, 0, 0);
        RawClient second = connected("second");
        second.send(subscribe(2, new Entry(decomposed, 0), new Entry(ohm, 0), e("accounts", 0), e(MARKER, 0)));
        expectSubAck(second, 2, 0, 0, 0, 0);

        List<byte[]> published = List.of(utf8("Accounts"), utf8("accounts"), utf8("ACCOUNTS "), utf8("ACCOUNTS/"),
                utf8("ACCOUNTS"), decomposed, Bytes.hex("434146C389"), precomposed, utf8("finance"), utf8("finance/"),
                utf8("//finance"), utf8("/finance"), utf8("sport"), utf8("sport/ "), utf8("sport//"), utf8("sport/"),
                utf8("a  b"), utf8("ab"), utf8(" a b"), utf8("a b "), utf8("a b"), ohm, Bytes.hex("CF89"), omega);
        RawClient pub = connected("pub");
        for (byte[] topic : published) {
            pub.send(Bytes.packet(0x30, Bytes.of().field(topic).raw(utf8("m")).build()));
        }
        sendMarker(pub);

        assertThat(publishesUntilMarker(first)).extracting(p -> hex(p.topicBytes())).containsExactly(
                hex(utf8("ACCOUNTS")), hex(precomposed), hex(utf8("/finance")), hex(utf8("sport/")), hex(utf8("a b")),
                hex(omega));
        assertThat(publishesUntilMarker(second)).extracting(p -> hex(p.topicBytes())).containsExactly(
                hex(utf8("accounts")), hex(decomposed), hex(ohm));
    }
}
