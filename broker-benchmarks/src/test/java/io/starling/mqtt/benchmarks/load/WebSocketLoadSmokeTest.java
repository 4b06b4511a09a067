package io.starling.mqtt.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.api.Listener;
import io.starling.mqtt.netty.StarlingBroker;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The p2p-qos1-ws scenario for about a second against an in-process Starling's WebSocket listener: the generator's
 * minimal WebSocket framing upgrades, masks its frames and reads the broker's, and every message arrives once.
 */
class WebSocketLoadSmokeTest {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void p2pQos1OverWebSocketDeliversEveryMessageOnce() throws Exception {
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c
                .listener(Listener.webSocket("ws", "127.0.0.1", 0))).start()) {
            Params params = Params.of("smoke", Map.of("warmup", "0.3", "duration", "1", "drain", "5",
                    "p2p.pairs", "4", "threads", "1"));
            // The generator finds a target's WebSocket listener one port above the port it is given.
            int port = broker.port("ws") - LoadGenerator.WS_PORT_OFFSET;

            ScenarioResult r = new LoadGenerator("127.0.0.1", port, params, BrokerProbe.NONE)
                    .run(Scenario.P2P_QOS1_WS);

            assertThat(r.error()).isNull();
            assertThat(r.delivered()).isPositive();
            assertThat(r.totals().sent()).isEqualTo(r.totals().completed());
            assertThat(r.totals().missing()).isZero();
            assertThat(r.totals().duplicates()).isZero();
            assertThat(r.totals().errors()).isZero();
            assertThat(r.totals().disconnects()).isZero();
        }
    }
}
