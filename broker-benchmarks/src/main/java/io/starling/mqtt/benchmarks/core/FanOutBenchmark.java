package io.starling.mqtt.benchmarks.core;

import io.starling.mqtt.api.BrokerConfig;
import io.starling.mqtt.api.Message;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.engine.BrokerEngine;
import io.starling.mqtt.packet.Connect;
import io.starling.mqtt.packet.PubAck;
import io.starling.mqtt.packet.Subscribe;
import io.starling.mqtt.packet.Subscription;
import io.starling.mqtt.protocol.Connection;
import io.starling.mqtt.topic.TopicFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process fan-out: one publish routed to N connected sessions through core (trie match, mailboxes, session
 * state machines), with channels that only count and an inline executor. No network, no codec: the cost of core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FanOutBenchmark {
    @Param({"1000"})
    int sessions;

    @Param({"0", "1"})
    int qos;

    private BrokerEngine engine;
    private final List<NullChannel> channels = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();
    private Message message;

    @Setup(Level.Trial)
    public void setUp() {
        engine = new BrokerEngine(BrokerConfig.builder().maxInflight(65_535).build());
        for (int i = 0; i < sessions; i++) {
            NullChannel channel = new NullChannel();
            Connection c = engine.newConnection(channel);
            c.onPacket(new Connect("MQTT", 4, true, 0, "s" + i, null, null, null));
            c.onPacket(new Subscribe(1, List.of(new Subscription(TopicFilter.of("fan/out"), QoS.AT_LEAST_ONCE))));
            channels.add(channel);
            connections.add(c);
        }
        message = Message.of("fan/out", new byte[64], QoS.of(qos), false);
    }

    @Benchmark
    public long publishToAll() {
        engine.publish(message);
        if (qos > 0) {
            // Complete each QoS 1 flow so the inflight window never fills: the ack path is part of the cost.
            for (int i = 0; i < connections.size(); i++) {
                connections.get(i).onPacket(new PubAck(channels.get(i).lastPacketId));
            }
        }
        return channels.get(0).written;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }
}
