package io.starling.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.ConnectReturnCode;
import io.starling.mqtt.packet.Disconnect;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PingReq;
import io.starling.mqtt.packet.PingResp;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.Publish;
import io.starling.mqtt.packet.SubAck;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.topic.TopicFilter;
import io.starling.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection state machine and session hand-over, without a network: two single-thread "event loops". */
@Timeout(20)
class ConnectionTest {
    private final ExecutorService loopA = Executors.newSingleThreadExecutor();
    private final ExecutorService loopB = Executors.newSingleThreadExecutor();
    private BrokerEngine engine = new BrokerEngine(BrokerConfig.defaults());

    @AfterEach
    void stop() throws InterruptedException {
        loopA.shutdownNow();
        loopB.shutdownNow();
        loopA.awaitTermination(1, TimeUnit.SECONDS);
        loopB.awaitTermination(1, TimeUnit.SECONDS);
        engine.close();
    }

    private static Connect connect(String id, boolean clean, Will will) {
        return new Connect("MQTT", 4, clean, 30, id, will, null, null);
    }

    private record Client(Connection connection, RecordingChannel channel, ExecutorService loop) {
        void send(MqttPacket p) {
            loop.execute(() -> connection.onPacket(p));
        }

        void drop() {
            loop.execute(() -> {
                channel.close();
                connection.onClosed();
            });
        }
    }

    private Client open(ExecutorService loop, String address) {
        RecordingChannel ch = new RecordingChannel(loop, address);
        return new Client(engine.newConnection(ch), ch, loop);
    }

    private static ConnAck awaitConnAck(Client c) {
        await().atMost(Duration.ofSeconds(5)).until(() -> !c.channel.written(ConnAck.class).isEmpty());
        return c.channel.written(ConnAck.class).get(0);
    }

    @Test
    @DisplayName("CONNECT → CONNACK 0, keep-alive handed to the transport, reads resumed")
    void connects() {
        Client c = open(loopA, "a:1");
        c.send(connect("c1", true, null));
        ConnAck ack = awaitConnAck(c);
        assertThat(ack).isEqualTo(new ConnAck(false, ConnectReturnCode.ACCEPTED));
        await().until(() -> c.channel.keepAlive == 30 && !c.channel.paused);
    }

    @Test
    @DisplayName("packets pipelined behind CONNECT wait for an asynchronous authenticator, then run in order")
    void pipelinedPacketsWaitForAuthentication() {
        CompletableFuture<AuthenticationResult> answer = new CompletableFuture<>();
        engine = new BrokerEngine(BrokerConfig.builder().authenticator(c -> answer).build());
        Client c = open(loopA, "a:1");
        c.send(connect("c1", true, null));
        c.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("t"), QoS.AT_LEAST_ONCE))));
        c.send(PingReq.INSTANCE);
        await().until(() -> c.channel.paused);
        assertThat(c.channel.written).isEmpty();
        answer.complete(AuthenticationResult.ACCEPTED);
        await().until(() -> c.channel.written.size() == 3);
        assertThat(c.channel.written.get(0)).isInstanceOf(ConnAck.class);
        assertThat(c.channel.written.get(1)).isEqualTo(new SubAck(1, List.of(1)));
        assertThat(c.channel.written.get(2)).isEqualTo(PingResp.INSTANCE);
    }

    @Test
    @DisplayName("a refused CONNECT acts on nothing after it and closes")
    void refusedConnectIgnoresTheRest() {
        engine = new BrokerEngine(BrokerConfig.builder()
                .authenticator(c -> CompletableFuture.completedFuture(AuthenticationResult.NOT_AUTHORIZED)).build());
        Client c = open(loopA, "a:1");
        c.send(connect("c1", true, null));
        c.send(new Publish(TopicName.of("t"), QoS.AT_MOST_ONCE, false, true, 0, new byte[] {1}));
        await().until(() -> c.channel.closed);
        assertThat(c.channel.written).containsExactly(ConnAck.refuse(ConnectReturnCode.NOT_AUTHORIZED));
        assertThat(engine.retained().size()).isZero();
    }

    @Test
    @DisplayName("takeover across event loops: the old connection closes with its will, the session moves with its queue")
    void takeoverAcrossLoops() {
        Client watcher = open(loopB, "w:1");
        watcher.send(connect("watcher", true, null));
        awaitConnAck(watcher);
        watcher.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("will/#"), QoS.AT_LEAST_ONCE))));

        Will will = new Will(TopicName.of("will/x"), "bye".getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, false);
        Client first = open(loopA, "a:1");
        first.send(connect("x", false, will));
        awaitConnAck(first);
        first.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("data"), QoS.AT_LEAST_ONCE))));
        await().until(() -> first.channel.written(SubAck.class).size() == 1);

        Client second = open(loopB, "b:1");
        second.send(connect("x", false, null));
        ConnAck ack = awaitConnAck(second);
        assertThat(ack.sessionPresent()).isTrue();
        await().until(() -> first.channel.closed);
        await().until(() -> watcher.channel.written(Publish.class).stream().anyMatch(p -> p.topic().value().equals("will/x")));

        engine.publish(io.starling.mqtt.api.Message.of("data", new byte[] {7}, QoS.AT_LEAST_ONCE, false));
        await().until(() -> second.channel.written(Publish.class).size() == 1);
        assertThat(first.channel.written(Publish.class)).isEmpty();
    }

    @Test
    @DisplayName("unacknowledged QoS 1 messages are re-sent with DUP and the same id after reconnect")
    void resendOnReconnect() {
        Client sub = open(loopA, "a:1");
        sub.send(connect("s", false, null));
        awaitConnAck(sub);
        sub.send(new Subscribe(1, List.of(new Subscription(TopicFilter.of("q"), QoS.AT_LEAST_ONCE))));
        await().until(() -> sub.channel.written(SubAck.class).size() == 1);
        engine.publish(io.starling.mqtt.api.Message.of("q", new byte[] {1}, QoS.AT_LEAST_ONCE, false));
        await().until(() -> sub.channel.written(Publish.class).size() == 1);
        Publish first = sub.channel.written(Publish.class).get(0);
        assertThat(first.dup()).isFalse();
        sub.drop();

        Client back = open(loopB, "b:1");
        back.send(connect("s", false, null));
        assertThat(awaitConnAck(back).sessionPresent()).isTrue();
        await().until(() -> back.channel.written(Publish.class).size() == 1);
        Publish again = back.channel.written(Publish.class).get(0);
        assertThat(again.dup()).isTrue();
        assertThat(again.packetId()).isEqualTo(first.packetId());
        back.send(new PubAck(again.packetId()));
        back.send(Disconnect.INSTANCE);
        await().until(() -> back.channel.closed);
        assertThat(engine.sessions().get("s").inflightCount()).isZero();
    }
}
