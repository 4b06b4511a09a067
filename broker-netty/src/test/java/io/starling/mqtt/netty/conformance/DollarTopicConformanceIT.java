package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.MARKER;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.publishesUntilMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.sendMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.subscriber;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.topics;
import static io.starling.mqtt.netty.support.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Topics beginning with {@code $} (section 4.7.2): wildcard-led filters never match them; {@code $SYS} belongs to the
 * broker (in-process publish only, a client's PUBLISH there is acknowledged and dropped); other {@code $} topics
 * work normally for filters that name them.
 */
@Timeout(30)
class DollarTopicConformanceIT {
    private static final String SYS_TOPIC = "$SYS/monitor/Clients";

    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started();

    /** One subscriber per filter, each also subscribed to the marker. */
    private Map<String, RawClient> subscribers(String... filters) {
        Map<String, RawClient> subs = new LinkedHashMap<>();
        int i = 0;
        for (String filter : filters) {
            subs.put(filter, subscriber(broker, "sub-" + (i++), filter, 1));
        }
        return subs;
    }

    private void publishInProcess(String topic, QoS qos) {
        broker.publish(Message.of(topic, utf8("in-process"), qos, false));
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] '#' and '+/monitor/Clients' get nothing from $SYS/monitor/Clients; '$SYS/#' and '$SYS/monitor/+' do")
    void wildcardLedFiltersSkipSys() {
        Map<String, RawClient> subs = subscribers("#", "+/monitor/Clients", "+/#", "+/+/+", "$SYS/#",
                "$SYS/monitor/+", SYS_TOPIC, "$SYS/+/Clients");
        publishInProcess(SYS_TOPIC, QoS.AT_LEAST_ONCE);
        publishInProcess(SYS_TOPIC, QoS.AT_MOST_ONCE);
        broker.publish(Message.of(MARKER, utf8("end"), QoS.AT_MOST_ONCE, false));

        Map<String, List<String>> got = new LinkedHashMap<>();
        subs.forEach((filter, c) -> got.put(filter, topics(publishesUntilMarker(c))));
        assertThat(got).isEqualTo(Map.of(
                "#", List.of(),
                "+/monitor/Clients", List.of(),
                "+/#", List.of(),
                "+/+/+", List.of(),
                "$SYS/#", List.of(SYS_TOPIC, SYS_TOPIC),
                "$SYS/monitor/+", List.of(SYS_TOPIC, SYS_TOPIC),
                SYS_TOPIC, List.of(SYS_TOPIC, SYS_TOPIC),
                "$SYS/+/Clients", List.of(SYS_TOPIC, SYS_TOPIC)));
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] the same wildcard filters do match an ordinary topic of the same shape (control)")
    void wildcardLedFiltersMatchOrdinaryTopics() {
        Map<String, RawClient> subs = subscribers("#", "+/monitor/Clients");
        publishInProcess("SYS/monitor/Clients", QoS.AT_MOST_ONCE);
        broker.publish(Message.of(MARKER, utf8("end"), QoS.AT_MOST_ONCE, false));
        subs.forEach((filter, c) -> assertThat(topics(publishesUntilMarker(c))).as(filter)
                .containsExactly("SYS/monitor/Clients"));
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] a client's own PUBLISH to $SYS or $SYS/x is acknowledged (QoS 0, 1, 2) but not delivered")
    void clientPublishToSysAcknowledgedAndDropped() {
        Map<String, RawClient> subs = subscribers("$SYS/#", "$SYS", "$SYS/x");
        RawClient pub = broker.rawConnected("pub", true);
        pub.send(Bytes.publish("$SYS/x", 0, 0, "zero"));
        pub.send(Bytes.publish("$SYS/x", 1, 11, "one"));
        assertThat(pub.read().hex()).as("PUBACK").isEqualTo("40 000B");
        pub.send(Bytes.publish("$SYS", 1, 12, "one"));
        assertThat(pub.read().hex()).as("PUBACK").isEqualTo("40 000C");
        pub.send(Bytes.publish("$SYS/x", 2, 13, "two"));
        assertThat(pub.read().hex()).as("PUBREC").isEqualTo("50 000D");
        pub.send(Bytes.pubrel(13));
        assertThat(pub.read().hex()).as("PUBCOMP").isEqualTo("70 000D");
        pub.send(Bytes.publish("$SYS/x", 1, true, false, 14, utf8("retained")));
        assertThat(pub.read().hex()).as("PUBACK").isEqualTo("40 000E");
        sendMarker(pub);
        subs.forEach((filter, c) -> assertThat(publishesUntilMarker(c)).as(filter).isEmpty());

        // Not retained either: a new $SYS/# subscriber gets nothing.
        RawClient late = subscriber(broker, "late", "$SYS/#", 1);
        sendMarker(pub);
        assertThat(publishesUntilMarker(late)).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] other $ topics work normally between clients, but wildcard-led filters still skip them")
    void otherDollarTopicsWork() {
        Map<String, RawClient> subs = subscribers("$app/#", "$app/x", "#", "+/x");
        RawClient pub = broker.rawConnected("pub", true);
        pub.send(Bytes.publish("$app/x", 1, 1, "dollar"));
        assertThat(pub.read().hex()).isEqualTo("40 0001");
        sendMarker(pub);
        assertThat(topics(publishesUntilMarker(subs.get("$app/#")))).containsExactly("$app/x");
        assertThat(topics(publishesUntilMarker(subs.get("$app/x")))).containsExactly("$app/x");
        assertThat(publishesUntilMarker(subs.get("#"))).isEmpty();
        assertThat(publishesUntilMarker(subs.get("+/x"))).isEmpty();
    }
}
