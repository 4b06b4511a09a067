package io.starling.mqtt.netty.fuzz;

import static io.starling.mqtt.netty.fuzz.MqttFrameDecoderFuzzTest.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.netty.MqttChannelInitializer;
import io.starling.mqtt.packet.ConnAck;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.ConnectReturnCode;
import io.starling.mqtt.packet.MqttPacket;
import io.starling.mqtt.packet.PingReq;
import io.starling.mqtt.packet.PingResp;
import io.starling.mqtt.packet.Will;
import io.starling.mqtt.session.Session;
import io.starling.mqtt.topic.TopicName;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@link BrokerEngine} behind the real pipeline ({@link MqttChannelInitializer}) on embedded channels, fed
 * arbitrary bytes by up to two concurrent clients.
 *
 * <p>Input format ({@link FuzzInput}, front to back). One header byte: bits 0-2 all clear means the clients'
 * bytes start raw, otherwise each connection first sends a valid CONNECT (7 in 8 inputs); bit 3 and bit 4 ask
 * client 0 and client 1 for a clean session; bit 5 gives both the same client id (takeover); bit 6 sets a 60 s
 * keep-alive (else 0); bit 7 adds a will. Then operations, one byte each; its top bit picks client 0 or 1 and
 * its low seven bits the operation:
 * <ul>
 *   <li>0x00-0x5F: the next byte is a length; that many bytes are one read on the client's connection</li>
 *   <li>0x60-0x67: the client goes away (the connection closes from its side)</li>
 *   <li>0x68-0x6F: the client reconnects: a new connection in its slot (at most {@value #MAX_CONNECTIONS})</li>
 *   <li>0x70-0x77: the client's event-loop clock passes the CONNECT timeout</li>
 *   <li>0x78-0x7F: the embedding application publishes to {@code fuzz/0} or {@code fuzz/1} in process</li>
 * </ul>
 *
 * <p>Properties, per input: no exception reaches the end of a pipeline and the broker logs no WARN or ERROR
 * (see {@link StderrCapture}); every connection's output is valid server output ({@link ServerOutput}) and a
 * refusing CONNACK closes it; no buffer exceeds a few times the 1 KiB packet limit, so a declared length never
 * sizes an allocation; every buffer is released; once every client is gone no connection counts as open, no
 * client as connected and no clean session is left; and a new client can still connect (CONNACK 0) and ping.
 */
class ConnectionPipelineFuzzTest {
    static final int MAX_PACKET_SIZE = 1024;
    static final int MAX_CONNECTIONS = 8;
    /** Generous: a few queued deliveries per operation at most; a livelock spins far longer. */
    private static final int MAX_SETTLE_ROUNDS = 10_000;

    @FuzzTest(maxDuration = "10s")
    void brokerSurvivesArbitraryClientBytes(byte[] data) {
        BrokerEngine engine = new BrokerEngine(BrokerConfig.builder().maxPacketSize(MAX_PACKET_SIZE).build());
        try (StderrCapture log = new StderrCapture()) {
            try {
                new Conversation(engine, new FuzzInput(data)).run();
                check(log.problems().isEmpty(), "the broker logged " + log.problems());
            } catch (AssertionError | RuntimeException e) {
                AssertionError failure = new AssertionError(e.getMessage() + System.lineSeparator()
                        + "--- broker log for this input ---" + System.lineSeparator() + log.text());
                failure.initCause(e);
                throw failure;
            }
        } finally {
            engine.close();
        }
    }

    /** One input played against one broker. */
    private static final class Conversation {
        private final BrokerEngine engine;
        private final FuzzInput input;
        private final MqttChannelInitializer initializer;
        /** The broker's buffers: bounded. */
        private final TrackingAllocator alloc =
                new TrackingAllocator(MqttFrameDecoderFuzzTest.bufferBound(MAX_PACKET_SIZE));
        /** The oracles' buffers: they hold all a connection received, which has no bound. */
        private final TrackingAllocator oracleAlloc = new TrackingAllocator(Integer.MAX_VALUE);
        private final List<PipelineClient> connections = new ArrayList<>();
        private final PipelineClient[] slots = new PipelineClient[2];
        private final boolean connectFirst;
        private final boolean[] cleanSession;
        private final boolean sharedClientId;
        private final int keepAliveSeconds;
        private final boolean withWill;

        Conversation(BrokerEngine engine, FuzzInput input) {
            this.engine = engine;
            this.input = input;
            this.initializer = new MqttChannelInitializer(engine);
            int header = input.u8();
            connectFirst = (header & 0x07) != 0;
            cleanSession = new boolean[] {(header & 0x08) != 0, (header & 0x10) != 0};
            sharedClientId = (header & 0x20) != 0;
            keepAliveSeconds = (header & 0x40) != 0 ? 60 : 0;
            withWill = (header & 0x80) != 0;
        }

        void run() {
            while (input.hasMore()) {
                int op = input.u8();
                int slot = op >>> 7;
                int kind = op & 0x7F;
                if (kind < 0x60) {
                    client(slot).write(input.bytes(input.u8()), alloc);
                } else if (kind < 0x68) {
                    client(slot).close();
                } else if (kind < 0x70) {
                    reconnect(slot);
                } else if (kind < 0x78) {
                    client(slot).advanceTime(engine.config().connectTimeout().toNanos() + 1);
                } else {
                    engine.publish(Message.of("fuzz/" + (kind & 1), new byte[] {(byte) kind},
                            QoS.of((kind >> 1) % 3), (kind & 0x04) != 0));
                }
                settle();
            }
            for (PipelineClient connection : connections) {
                // Checked before the clients go away, which closes every connection anyway.
                List<MqttPacket> sent =
                        ServerOutput.assertValid(connection.name(), connection.received(), oracleAlloc);
                if (!sent.isEmpty() && sent.get(0) instanceof ConnAck connAck
                        && connAck.returnCode() != ConnectReturnCode.ACCEPTED) {
                    check(!connection.isOpen(), connection.name() + ": still open after " + connAck);
                }
                connection.close();
            }
            settle();
            for (PipelineClient connection : connections) {
                ServerOutput.assertValid(connection.name(), connection.received(), oracleAlloc);
            }
            assertNobodyConnected("after every client went away");
            for (Session session : engine.sessions().sessions()) {
                check(!session.cleanSession(), "clean session " + session.clientId()
                        + " outlived its connection [MQTT-3.1.2-6]");
            }
            assertNewClientConnects();
            connections.forEach(PipelineClient::finish);
            alloc.assertAllReleased();
            oracleAlloc.assertAllReleased();
        }

        private PipelineClient client(int slot) {
            if (slots[slot] == null) {
                slots[slot] = open(slot);
            }
            return slots[slot];
        }

        private void reconnect(int slot) {
            if (connections.size() >= MAX_CONNECTIONS) {
                return;
            }
            if (slots[slot] != null) {
                slots[slot].close();
                settle();
            }
            slots[slot] = open(slot);
        }

        private PipelineClient open(int slot) {
            int n = connections.size();
            PipelineClient client = new PipelineClient("connection " + n + " (client " + slot + ")", 50_000 + n,
                    initializer, alloc);
            connections.add(client);
            if (connectFirst) {
                Will will = withWill ? new Will(TopicName.of("fuzz/will/" + slot), new byte[] {(byte) slot},
                        QoS.AT_LEAST_ONCE, false) : null;
                String clientId = sharedClientId ? "fuzz" : "fuzz-" + slot;
                client.write(PacketBytes.encode(new Connect(Connect.PROTOCOL_NAME_V311, Connect.PROTOCOL_LEVEL_V311,
                        cleanSession[slot], keepAliveSeconds, clientId, will, null, null)), alloc);
            }
            settle();
            return client;
        }

        /** Runs every event loop until none has work, then collects output and checks what can be checked. */
        private void settle() {
            for (int round = 0; ; round++) {
                boolean ran = false;
                for (PipelineClient connection : connections) {
                    ran |= connection.runPendingTasks();
                }
                if (!ran) {
                    break;
                }
                check(round < MAX_SETTLE_ROUNDS, "event loops still busy after " + MAX_SETTLE_ROUNDS + " rounds");
            }
            long open = 0;
            for (PipelineClient connection : connections) {
                connection.collectOutbound();
                connection.assertNothingUnhandled();
                open += connection.isOpen() ? 1 : 0;
            }
            long connected = engine.stats().clientsConnected();
            check(connected >= 0 && connected <= open, connected + " clients counted as connected on " + open
                    + " open connections");
            alloc.assertWithinBound("after operation");
        }

        private void assertNobodyConnected(String when) {
            check(engine.stats().clientsConnected() == 0,
                    engine.stats().clientsConnected() + " clients still counted as connected " + when);
            // A slot never given back would, connection by connection, lock everyone out (maxConnections).
            check(engine.openConnections() == 0,
                    engine.openConnections() + " connections still counted as open " + when);
        }

        /** The broker still serves: a fresh client connects, pings and leaves. */
        private void assertNewClientConnects() {
            PipelineClient probe = new PipelineClient("health probe", 60_000, initializer, alloc);
            connections.add(probe);
            probe.write(PacketBytes.encode(new Connect(Connect.PROTOCOL_NAME_V311, Connect.PROTOCOL_LEVEL_V311, true, 0,
                    "health-probe", null, null, null)), alloc);
            settle();
            probe.write(PacketBytes.encode(PingReq.INSTANCE), alloc);
            settle();
            List<MqttPacket> answers = ServerOutput.assertValid(probe.name(), probe.received(), oracleAlloc);
            check(answers.equals(List.of(new ConnAck(false, ConnectReturnCode.ACCEPTED), PingResp.INSTANCE)),
                    "a new client after this input got " + answers + " instead of CONNACK 0 and PINGRESP");
            check(engine.stats().clientsConnected() == 1 && engine.openConnections() == 1,
                    engine.stats().clientsConnected() + " clients connected and " + engine.openConnections()
                    + " connections open with only the probe");
            probe.close();
            settle();
            assertNobodyConnected("after the probe left");
        }
    }
}
