package io.starling.mqtt.netty.conformance;

import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.MARKER;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.assertAlive;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.e;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.expectSubAck;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.publishesUntilMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.sendMarker;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.subscribe;
import static io.starling.mqtt.netty.conformance.SubscriptionWireSupport.topics;
import static org.assertj.core.api.Assertions.assertThat;

import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PINGREQ/PINGRESP and DISCONNECT at the wire (sections 3.12 to 3.14). */
@Timeout(30)
class PingDisconnectConformanceIT {
    @RegisterExtension
    final BrokerExtension broker = BrokerExtension.started();

    /** A client subscribed to {@code will/#} at QoS 1 and to the marker. */
    private RawClient willWatcher() {
        RawClient w = broker.rawConnected("watcher", true);
        w.send(subscribe(1, e("will/#", 1), e(MARKER, 0)));
        expectSubAck(w, 1, 1, 0);
        return w;
    }

    private RawClient connectedWithWill(String clientId, String willTopic, String willPayload, int keepAlive) {
        return broker.rawConnectedWithWill(clientId, keepAlive, willTopic, willPayload, 1, false);
    }

    @Test
    @DisplayName("[MQTT-3.12.4-1] every PINGREQ is answered with exactly D0 00, also when pipelined")
    void pingAnswered() {
        RawClient c = broker.rawConnected("pinger", true);
        c.send(Bytes.pingreq());
        RawPacket p = c.read();
        assertThat(p.firstByte()).isEqualTo(0xD0);
        assertThat(p.body()).isEmpty();

        c.send(Bytes.pingreq(), Bytes.pingreq(), Bytes.pingreq(), Bytes.pingreq(), Bytes.pingreq());
        for (int i = 0; i < 5; i++) {
            RawPacket resp = c.read();
            assertThat(resp.firstByte()).as("PINGRESP %d", i).isEqualTo(0xD0);
            assertThat(resp.body()).isEmpty();
        }
        // Interleaved with other traffic, still one PINGRESP per PINGREQ, in order.
        c.send(subscribe(3, e("p", 0)), Bytes.pingreq(), Bytes.publish("p", 0, 0, "x"), Bytes.pingreq());
        expectSubAck(c, 3, 0);
        // The delivery of its own PUBLISH may overtake the second PINGRESP: compare as a multiset.
        List<String> next = List.of(c.read().hex(), c.read().hex(), c.read().hex());
        assertThat(next).as("two PINGRESPs and the PUBLISH 'p'/'x'").containsExactlyInAnyOrder("D0 ", "D0 ", "30 00017078");
    }

    @Test
    @DisplayName("[MQTT-3.12.4-1] PINGREQ counts as activity: a keep-alive 2 s client pinging every 0.5 s stays, a silent one is closed")
    void pingKeepsConnectionAlive() {
        RawClient silent = broker.raw();
        silent.send(Bytes.connect("silent", true, 2));
        silent.expectConnAck(0);
        RawClient pinger = broker.raw();
        pinger.send(Bytes.connect("pinger", true, 2));
        pinger.expectConnAck(0);

        // 4.5 s of pings every 0.5 s: well past the 3 s limit (1.5 x keep-alive) that closes the silent client.
        for (int i = 0; i < 9; i++) {
            pinger.expectNothingFor(Duration.ofMillis(500));
            pinger.send(Bytes.pingreq());
            assertThat(pinger.read().hex()).isEqualTo("D0 ");
        }
        silent.expectClosed(Duration.ofSeconds(3));
        assertAlive(pinger);
    }

    @ParameterizedTest(name = "first byte 0x{0}")
    @ValueSource(strings = {"E1", "E2", "E4", "E8", "EF"})
    @DisplayName("[MQTT-3.14.1-1] DISCONNECT with reserved flags set: closed, and as it is no valid DISCONNECT the will is published")
    void disconnectWithReservedFlags(String firstByteHex) {
        RawClient watcher = willWatcher();
        RawClient bystander = broker.rawConnected("bystander", true);
        RawClient c = connectedWithWill("flagged", "will/flagged", "bad disconnect", 0);
        c.send(Bytes.packet(Integer.parseInt(firstByteHex, 16), new byte[0]));
        c.expectClosed();

        RawPacket will = watcher.expectPublish();
        assertThat(will.topic()).isEqualTo("will/flagged");
        assertThat(will.payloadString()).isEqualTo("bad disconnect");
        watcher.send(Bytes.puback(will.publishId()));
        assertAlive(bystander);
    }

    @Test
    @DisplayName("[MQTT-3.14.4-3] DISCONNECT discards the will unpublished; the server closes the connection")
    void disconnectDiscardsWill() {
        RawClient watcher = willWatcher();
        RawClient c = connectedWithWill("polite", "will/polite", "must not appear", 0);
        c.send(Bytes.disconnect());
        c.expectClosed();
        // The standard says nothing is published: a short quiet period, then a marker proves the watcher is served.
        watcher.expectNothingFor(Duration.ofMillis(300));
        RawClient pub = broker.rawConnected("pub", true);
        sendMarker(pub);
        assertThat(topics(publishesUntilMarker(watcher))).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.14.4-3] control: the same client dropping without DISCONNECT has its will published")
    void dropWithoutDisconnectPublishesWill() {
        RawClient watcher = willWatcher();
        RawClient c = connectedWithWill("rude", "will/rude", "gone", 0);
        c.close();
        RawClient pub = broker.rawConnected("pub", true);
        RawPacket will = watcher.expectPublish();
        assertThat(will.topic()).isEqualTo("will/rude");
        assertThat(will.payloadString()).isEqualTo("gone");
        watcher.send(Bytes.puback(will.publishId()));
        sendMarker(pub);
        assertThat(publishesUntilMarker(watcher)).isEmpty();
    }
}
