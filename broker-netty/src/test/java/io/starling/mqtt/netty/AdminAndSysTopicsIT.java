package io.starling.mqtt.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.Authorizer;
import io.starling.mqtt.api.ClientInfo;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Paho;
import io.starling.mqtt.session.SessionSnapshot;
import io.starling.mqtt.topic.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin API and the $SYS topics, seen by an application and by MQTT clients. */
@Timeout(30)
class AdminAndSysTopicsIT {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @Test
    @DisplayName("admin lists sessions with subscriptions, queue depth and inflight; disconnects a client; clears retained")
    void adminApi() throws Exception {
        broker.start(c -> c.sysInterval(Duration.ZERO));
        Paho.Client online = broker.paho("online", true);
        online.subscribe("a/#", 1);
        Paho.Client away = broker.paho("away", false);
        away.subscribe("b/t", 1);
        away.disconnect();
        broker.publish(Message.of("b/t", "queued".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false));

        await().untilAsserted(() -> {
            List<SessionSnapshot> sessions = broker.broker().admin().sessions();
            assertThat(sessions).extracting(SessionSnapshot::clientId).containsExactly("away", "online");
            SessionSnapshot offline = sessions.get(0);
            assertThat(offline.connected()).isFalse();
            assertThat(offline.cleanSession()).isFalse();
            assertThat(offline.queued()).isEqualTo(1);
            assertThat(offline.subscriptions()).containsEntry(TopicFilter.of("b/t"), QoS.AT_LEAST_ONCE);
            SessionSnapshot live = sessions.get(1);
            assertThat(live.connected()).isTrue();
            assertThat(live.inflight()).isZero();
        });

        assertThat(broker.broker().admin().disconnect("online")).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> online.connectionLost != null);
        assertThat(broker.broker().admin().disconnect("away")).as("offline client").isFalse();
        assertThat(broker.broker().admin().disconnect("nobody")).isFalse();
        assertThat(broker.broker().admin().session("nobody")).isEmpty();

        broker.publish(Message.of("r/t", "kept".getBytes(StandardCharsets.UTF_8), QoS.AT_MOST_ONCE, true));
        assertThat(broker.broker().admin().clearRetained("r/t")).isTrue();
        assertThat(broker.broker().admin().clearRetained("r/t")).isFalse();
        assertThat(broker.engine().retained().size()).isZero();
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] $SYS topics with Mosquitto's names reach $SYS/# subscribers, retained, and never #")
    void sysTopics() throws Exception {
        broker.start(c -> c.sysInterval(Duration.ofMillis(100)));
        Paho.Client all = broker.paho("all", true);
        all.subscribe("#", 0);
        Paho.Client sys = broker.paho("sys", true);
        sys.subscribe("$SYS/broker/#", 0);
        Map<String, String> seen = new HashMap<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Paho.Received r;
            while ((r = sys.received.poll()) != null) {
                seen.put(r.topic(), r.text());
            }
            return "2".equals(seen.get("$SYS/broker/clients/connected"));
        });
        assertThat(seen).containsKeys("$SYS/broker/uptime", "$SYS/broker/version", "$SYS/broker/clients/total",
                "$SYS/broker/messages/received", "$SYS/broker/messages/sent", "$SYS/broker/subscriptions/count",
                "$SYS/broker/retained messages/count", "$SYS/broker/load/messages/received/1min",
                "$SYS/broker/load/connections/15min");
        assertThat(seen.get("$SYS/broker/uptime")).endsWith(" seconds");
        assertThat(all.received.poll(200, TimeUnit.MILLISECONDS)).as("# never matches $SYS").isNull();

        // Retained: a late subscriber gets the current values at once, with RETAIN 1.
        Paho.Client late = broker.paho("late", true);
        late.subscribe("$SYS/broker/clients/connected", 0);
        Paho.Received first = late.next();
        assertThat(first.message().isRetained()).isTrue();
    }

    @Test
    @DisplayName("$SYS topics are readable only by clients the authorizer allows")
    void sysTopicsNeedAuthorization() throws Exception {
        broker.start(c -> c.sysInterval(Duration.ofMillis(100)).authorizer(new Authorizer() {
            @Override
            public boolean canSubscribe(ClientInfo client, TopicFilter filter) {
                return !filter.value().startsWith("$SYS") || client.clientId().equals("operator");
            }
        }));
        Paho.Client intruder = broker.paho("intruder", true);
        int[] granted = intruder.mqtt.subscribeWithResponse(new String[] {"$SYS/#"}, new int[] {0}).getGrantedQos();
        assertThat(granted[0]).isEqualTo(0x80);
        Paho.Client operator = broker.paho("operator", true);
        operator.subscribe("$SYS/#", 0);
        assertThat(operator.next().topic()).startsWith("$SYS/broker/");
        assertThat(intruder.received.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    @DisplayName("the clients/connected count follows connects and disconnects")
    void connectedCount() throws Exception {
        broker.start(c -> c.sysInterval(Duration.ZERO));
        Paho.Client a = broker.paho("a", true);
        Paho.Client b = broker.paho("b", true);
        assertThat(broker.stats().clientsConnected()).isEqualTo(2);
        a.disconnect();
        b.mqtt.disconnectForcibly(0, 100, false);
        await().until(() -> broker.stats().clientsConnected() == 0);
    }
}
