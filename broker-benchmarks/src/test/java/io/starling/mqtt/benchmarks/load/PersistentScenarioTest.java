package io.starling.mqtt.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.starling.mqtt.netty.StarlingBroker;
import io.starling.mqtt.session.SessionSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The persistent scenarios: their subscribers really ask for persistent sessions, their publishers do not. */
class PersistentScenarioTest {

    @Test
    void connectCarriesTheCleanSessionFlagAsAsked() {
        // fixed header, remaining length, protocol name (6 bytes), level: the connect flags are at index 9
        ByteBuf clean = Wire.connect(UnpooledByteBufAllocator.DEFAULT, "c", 60);
        ByteBuf persistent = Wire.connect(UnpooledByteBufAllocator.DEFAULT, "c", 60, false);
        try {
            assertThat(clean.getUnsignedByte(9)).isEqualTo((short) 0x02);
            assertThat(persistent.getUnsignedByte(9)).isEqualTo((short) 0);
            assertThat(persistent.readableBytes()).isEqualTo(clean.readableBytes());
        } finally {
            clean.release();
            persistent.release();
        }
    }

    @Test
    void persistentScenariosGiveOnlyTheSubscribersPersistentSessions() {
        Params p = Params.of("quick", Map.of("latency.pairs", "4", "latency.persistent.rate", "400"));
        for (Scenario s : List.of(Scenario.P2P_QOS1_PERSISTENT, Scenario.LATENCY_PERSISTENT)) {
            Layout l = Layout.of(s, p);
            assertThat(l.subscribers()).as(s.id()).noneMatch(ClientSpec::cleanSession);
            assertThat(l.publishers()).as(s.id()).allMatch(ClientSpec::cleanSession)
                    .allMatch(c -> c.publisher().qos() == 1);
        }
        assertThat(Layout.of(Scenario.LATENCY_PERSISTENT, p).publishers()).hasSize(4)
                .allMatch(c -> c.publisher().ratePerSecond() == 100);
        assertThat(Layout.of(Scenario.P2P_QOS1, p).subscribers()).allMatch(ClientSpec::cleanSession);
        assertThat(Layout.of(Scenario.LATENCY, p).subscribers()).allMatch(ClientSpec::cleanSession);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBrokerKeepsTheSubscribersSessionsAfterTheScenarioAndLosesNoMessage() throws Exception {
        try (StarlingBroker broker = StarlingBroker.builder().host("127.0.0.1").port(0).start()) {
            // at a fixed, low rate: at full speed the publishers would outrun the subscribers, whose queues
            // overflow (which the runner counts), and that is not what this test is about
            Params params = Params.of("smoke", Map.of("warmup", "0.2", "duration", "0.5", "drain", "5",
                    "latency.pairs", "3", "latency.persistent.rate", "300", "threads", "1"));

            ScenarioResult r = new LoadGenerator("127.0.0.1", broker.port(), params, BrokerProbe.NONE)
                    .run(Scenario.LATENCY_PERSISTENT);

            assertThat(r.error()).isNull();
            assertThat(r.delivered()).isPositive();
            assertThat(r.totals().missing()).as(r.summary()).isZero();
            assertThat(r.totals().disconnects()).isZero();
            assertThat(r.totals().errors()).isZero();
            // clean sessions end with their connections; the subscribers' stay, offline, with their subscription
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(broker.admin().sessions())
                    .extracting(SessionSnapshot::clientId, SessionSnapshot::cleanSession, SessionSnapshot::connected)
                    .containsExactly(tuple("ls0", false, false),
                            tuple("ls1", false, false),
                            tuple("ls2", false, false)));
            assertThat(broker.admin().sessions()).allSatisfy(s -> assertThat(s.subscriptions()).hasSize(1));
        }
    }
}
