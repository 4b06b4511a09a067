package io.starling.mqtt.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.FlowControl;
import io.starling.mqtt.flow.ClientFlowSnapshot;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The overload controller end to end: messages piling up for an offline session push the queued-bytes signal past
 * its (deliberately low) threshold; the heavy publisher is throttled, the light one is not; once the backlog is
 * delivered the throttle is lifted; every acknowledged message reaches the session.
 */
@Timeout(120)
class OverloadProtectionIT {

    @Test
    @DisplayName("overload throttles the heavy publisher and not the light one, visible in admin().flow(); the "
            + "throttle is lifted once the load is gone; no acknowledged QoS 1 message is lost")
    void heavyThrottledLightUntouchedThenRestored() throws Exception {
        FlowControl flow = FlowControl.DEFAULTS
                .withOverloadThresholds(Duration.ofSeconds(10), 0.99, 2L << 20, 0)
                .withLightClientRate(50);
        try (StarlingBroker broker = StarlingBroker.builder().port(0).configure(c -> c.flowControl(flow)
                .maxQueuedMessages(1_000_000).maxQueuedBytes(1L << 30)).start()) {
            // a persistent session that will hold the heavy publisher's messages while it is away
            try (RawClient sink = new RawClient(broker.port())) {
                sink.send(Bytes.connect("sink", false, 0));
                sink.expectConnAck(0);
                sink.subscribe(1, "heavy", 1);
                sink.disconnect();
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger acknowledged = new AtomicInteger();
            RawClient heavy = RawClient.connected(broker.port(), "heavy", true);
            CompletableFuture<Void> heavyRun = CompletableFuture.runAsync(() -> {
                byte[] payload = new byte[1024];
                int id = 0;
                while (!stop.get()) {
                    byte[][] batch = new byte[50][];
                    for (int i = 0; i < batch.length; i++) {
                        id = id % 65_535 + 1;
                        batch[i] = Bytes.publish("heavy", 1, false, false, id, payload);
                    }
                    heavy.send(batch);
                    for (int i = 0; i < batch.length; i++) {
                        assertThat(heavy.read(Duration.ofSeconds(30)).firstByte()).isEqualTo(0x40);
                        acknowledged.incrementAndGet();
                    }
                }
            });
            RawClient light = RawClient.connected(broker.port(), "light", true);
            light.subscribe(1, "light", 0);
            AtomicInteger lightRounds = new AtomicInteger();
            CompletableFuture<Void> lightRun = CompletableFuture.runAsync(() -> {
                int id = 0;
                while (!stop.get()) {
                    id = id % 65_535 + 1;
                    light.send(Bytes.publish("light", 1, false, false, id, Bytes.utf8("ping")));
                    // its PUBACK and its own message come back, in either order
                    light.read(Duration.ofSeconds(10));
                    light.read(Duration.ofSeconds(10));
                    lightRounds.incrementAndGet();
                    try {
                        TimeUnit.MILLISECONDS.sleep(100); // a light device: 10 messages a second
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            await().atMost(Duration.ofSeconds(60)).until(() -> throttledTo(broker, "heavy") > 0);
            assertThat(broker.engine().admin().overload().overloaded()).isTrue();
            assertThat(throttledTo(broker, "light")).as("the light client is never throttled").isZero();
            assertThat(broker.engine().stats().throttleStarts()).isPositive();
            assertThat(broker.engine().stats().overloadEpisodes()).isPositive();
            int roundsWhenThrottled = lightRounds.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> lightRounds.get() >= roundsWhenThrottled + 10);

            stop.set(true);
            heavyRun.get(60, TimeUnit.SECONDS);
            lightRun.get(30, TimeUnit.SECONDS);
            int sent = acknowledged.get();

            // the backlog goes to its session: the load falls below 0.8 and the throttle is lifted
            try (RawClient sink = new RawClient(broker.port(), 4 << 20)) {
                sink.send(Bytes.connect("sink", false, 0));
                sink.expectConnAck(true, 0);
                int received = 0;
                while (received < sent) {
                    RawPacket p = sink.read(Duration.ofSeconds(30));
                    assertThat(p.isPublish()).isTrue();
                    sink.send(Bytes.puback(p.publishId()));
                    received++;
                }
                assertThat(received).isEqualTo(sent);
                await().atMost(Duration.ofSeconds(30)).until(() -> throttledTo(broker, "heavy") == 0);
                assertThat(broker.engine().admin().overload().overloaded()).isFalse();
                sink.pingAndExpectPingResp("nothing more than the acknowledged messages");
            }
            heavy.close();
            light.close();
        }
    }

    private static double throttledTo(StarlingBroker broker, String clientId) {
        Optional<ClientFlowSnapshot> flow = broker.engine().admin().flow().stream()
                .filter(f -> f.clientId().equals(clientId)).findFirst();
        return flow.map(ClientFlowSnapshot::throttledTo).orElse(-1.0);
    }
}
