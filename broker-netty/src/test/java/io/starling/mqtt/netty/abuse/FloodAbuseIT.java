package io.starling.mqtt.netty.abuse;

import static io.starling.mqtt.netty.abuse.AbuseSupport.assertHealthyClientWorks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.mqtt.api.AuthenticationResult;
import io.starling.mqtt.api.QoS;
import io.starling.mqtt.netty.support.BrokerExtension;
import io.starling.mqtt.netty.support.Bytes;
import io.starling.mqtt.netty.support.RawClient;
import io.starling.mqtt.netty.support.RawPacket;
import io.starling.mqtt.session.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Volume and time as weapons: connections that never complete a CONNECT (silent, stalled half-way, trickling), a
 * client pipelining tens of thousands of packets in one write, a subscriber that never reads while a QoS 0 firehose
 * is aimed at it, and a storm of reconnects under one client id. The broker closes what it must, stays bounded, and
 * other clients' round trips keep working. Assertions are functional (closed / delivered within generous bounds),
 * not timings of the broker's speed.
 *
 * <p>One broker for the class, with a CONNECT timeout of 1 s so the slow-connection cases stay short.
 */
@Timeout(60)
class FloodAbuseIT {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** A close caused by the CONNECT timeout comes no earlier than this (timers do not fire early). */
    private static final long NOT_BEFORE_MS = CONNECT_TIMEOUT.toMillis() - 50;
    private static final Duration CLOSED_BY = Duration.ofSeconds(4);

    private static final BrokerExtension broker = new BrokerExtension();
    private static final AtomicInteger ids = new AtomicInteger();

    /** For a case that needs its own configuration; stopped after each test. */
    @RegisterExtension
    final BrokerExtension fresh = new BrokerExtension();

    @BeforeAll
    static void startBroker() {
        broker.start(c -> c.connectTimeout(CONNECT_TIMEOUT));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.afterEach(null);
    }

    private static String nextId() {
        return "flood-" + ids.incrementAndGet();
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    // ---- connections that never finish a CONNECT ----

    @Test
    @DisplayName("(3.1.4) a connection that sends nothing is closed after connectTimeout (1 s) and gives its slot back")
    void silentConnectionClosedAfterConnectTimeout() {
        int open = broker.engine().openConnections();
        long start = System.nanoTime();
        RawClient silent = broker.raw();
        silent.expectClosed(CLOSED_BY);
        assertThat(millisSince(start)).as("closed by the CONNECT timeout, not earlier").isGreaterThanOrEqualTo(NOT_BEFORE_MS);
        await().atMost(CLOSED_BY).until(() -> broker.engine().openConnections() == open);
        assertHealthyClientWorks(broker);
    }

    @Test
    @DisplayName("(3.1.4) slowloris: half a CONNECT, then nothing: closed after connectTimeout without CONNACK")
    void halfConnectClosedAfterConnectTimeout() {
        byte[] connect = Bytes.connect(nextId(), true, 0);
        long start = System.nanoTime();
        RawClient stalled = broker.raw().send(Arrays.copyOf(connect, connect.length / 2));
        stalled.expectClosed(CLOSED_BY);
        assertThat(millisSince(start)).as("closed by the CONNECT timeout").isGreaterThanOrEqualTo(NOT_BEFORE_MS);
        assertHealthyClientWorks(broker);
    }

    @Test
    @DisplayName("(3.1.4) slowloris trickling a CONNECT one byte every 100 ms is closed after connectTimeout although "
            + "bytes keep arriving")
    void tricklingConnectClosedAfterConnectTimeout() throws Exception {
        // A 400-byte client id: the whole CONNECT would take 40 s at this pace.
        byte[] connect = Bytes.connect("t".repeat(400), true, 0);
        RawClient trickler = broker.raw();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        long start = System.nanoTime();
        Future<?> pacer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < connect.length && !stop.get(); i++) {
                try {
                    trickler.send(new byte[] {connect[i]});
                    sent.incrementAndGet();
                    // The attack's pace, not a wait for a condition.
                    Thread.sleep(100);
                } catch (IllegalStateException | InterruptedException closedOrStopped) {
                    return;
                }
            }
        });
        try {
            trickler.expectClosed(CLOSED_BY);
            assertThat(millisSince(start)).as("closed by the CONNECT timeout").isGreaterThanOrEqualTo(NOT_BEFORE_MS);
            assertThat(sent.get()).as("bytes were still arriving").isGreaterThanOrEqualTo(5);
        } finally {
            stop.set(true);
            pacer.get(5, TimeUnit.SECONDS);
        }
        assertHealthyClientWorks(broker);
    }

    // ---- pipelined floods from one client ----

    @Test
    @DisplayName("[MQTT-3.12.4-1] 50,000 PINGREQs pipelined in one write: another client's round trip works meanwhile, "
            + "and the flooder gets exactly 50,000 PINGRESPs")
    void pingFlood() {
        int count = 50_000;
        RawClient flooder = broker.rawConnected(nextId(), true, false);
        byte[] flood = new byte[2 * count];
        for (int i = 0; i < count; i++) {
            flood[2 * i] = (byte) 0xC0;
        }
        flooder.send(flood);
        assertHealthyClientWorks(broker);
        for (int i = 0; i < count; i++) {
            RawPacket p = flooder.read();
            if (p.firstByte() != 0xD0 || p.body().length != 0) {
                throw new AssertionError("answer " + i + " is " + p + ", not PINGRESP");
            }
        }
        flooder.pingAndExpectPingResp("nothing beyond one PINGRESP per PINGREQ");
    }

    @Test
    @DisplayName("20,000 QoS 0 PUBLISHes pipelined in one write: all are received, another client's round trip works "
            + "meanwhile, the flooder stays connected")
    void qos0PublishFlood() {
        int count = 20_000;
        long before = broker.stats().messagesReceived(QoS.AT_MOST_ONCE);
        RawClient flooder = broker.rawConnected(nextId(), true, false);
        byte[][] packets = new byte[count][];
        for (int i = 0; i < count; i++) {
            packets[i] = Bytes.publish("nobody/listens/" + (i % 100), 0, 0, "flood " + i);
        }
        flooder.send(Bytes.concat(packets));
        assertHealthyClientWorks(broker);
        // The healthy client's own QoS 1 PUBLISH counts too, under QoS 1; only the flood counts here.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> broker.stats().messagesReceived(QoS.AT_MOST_ONCE) - before == count);
        flooder.pingAndExpectPingResp("the flooder is still connected and served");
    }

    // ---- a subscriber that never reads ----

    @Test
    @DisplayName("a subscriber that never reads (TCP window full) under a QoS 0 firehose of 16 MB: the broker drops "
            + "for it (qos0DroppedNotWritable) instead of buffering, keeps it connected, and another subscriber "
            + "receives the flood and the QoS 1 message after it")
    void slowConsumerUnderQos0Flood() throws Exception {
        String topic = "firehose/" + nextId();
        int messages = 2_000;
        byte[] payload = new byte[8 * 1024];
        long droppedBefore = broker.stats().qos0DroppedNotWritable();

        String stalledId = nextId();
        // A small receive buffer (no auto-tuning): its TCP window fills after a few KB.
        RawClient stalled = broker.track(new RawClient(broker.port(), 4096));
        stalled.send(Bytes.connect(stalledId, true, 0));
        stalled.expectConnAck(false, 0);
        stalled.subscribe(1, topic + "/#", 0);

        RawClient reader = broker.rawSubscriber(nextId(), true, topic + "/#", 1);
        ExecutorService readerThread = Executors.newSingleThreadExecutor();
        Future<Integer> floodSeen = readerThread.submit(() -> {
            int seen = 0;
            while (true) {
                RawPacket p = reader.expectPublish();
                if (p.topic().equals(topic + "/marker")) {
                    reader.send(Bytes.puback(p.publishId()));
                    return seen;
                }
                seen++;
            }
        });
        try {
            RawClient publisher = broker.rawConnected(nextId(), true, false);
            for (int i = 0; i < messages; i++) {
                publisher.send(Bytes.publish(topic + "/data", 0, false, false, 0, payload));
            }
            publisher.publishAndComplete(topic + "/marker", 1, false, 1, "after the flood");

            int seen = floodSeen.get(20, TimeUnit.SECONDS);
            assertThat(seen).as("flood messages the reading subscriber received").isPositive();
        } finally {
            readerThread.shutdownNow();
        }
        // Whatever the stalled client can hold (its 4 KB window, the broker's socket buffer, the 1 MiB high-water
        // mark) is a few MB at most; at least half of the 16 MB must have been dropped rather than buffered.
        long dropped = broker.stats().qos0DroppedNotWritable() - droppedBefore;
        assertThat(dropped).as("qos0DroppedNotWritable").isGreaterThanOrEqualTo(messages / 2);
        Session session = broker.engine().sessions().get(stalledId);
        assertThat(session != null && session.isConnected()).as("the slow consumer is still connected").isTrue();
        assertHealthyClientWorks(broker);
    }

    // ---- session takeover ----

    /**
     * The positions in {@code sockets} of the connections the broker still serves: each gets a PINGREQ and answers
     * PINGRESP if live; a closed one reads end of stream (or a reset, or refuses the write).
     */
    private static List<Integer> live(List<RawClient> sockets) {
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < sockets.size(); i++) {
            RawClient c = sockets.get(i);
            try {
                c.send(Bytes.pingreq());
            } catch (IllegalStateException closed) {
                continue;
            }
            Optional<RawPacket> answer = c.readOrClosed(Duration.ofSeconds(5));
            if (answer.isPresent()) {
                assertThat(answer.get().hex()).as("answer to PINGREQ").isEqualTo("D0 ");
                live.add(i);
            }
        }
        return live;
    }

    @ParameterizedTest(name = "second CONNECT clean session 0, third clean session {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("[MQTT-3.1.4-2] two CONNECTs for a connected persistent client id, accepted by the authenticator at "
            + "the same moment: the first connection and one of the two new ones are closed, exactly one stays live")
    void simultaneousTakeovers(boolean thirdCleanSession) {
        String id = "pair-" + nextId();
        // Holds the answers for id until the test releases them together: the two CONNECTs then reach the session
        // registry back to back on the one event loop, which the storm below only hits by chance.
        AtomicBoolean holding = new AtomicBoolean();
        List<CompletableFuture<AuthenticationResult>> held = Collections.synchronizedList(new ArrayList<>());
        fresh.start(c -> c.ioThreads(1).authenticator(credentials -> {
            if (holding.get() && credentials.client().clientId().equals(id)) {
                CompletableFuture<AuthenticationResult> answer = new CompletableFuture<>();
                held.add(answer);
                return answer;
            }
            return CompletableFuture.completedFuture(AuthenticationResult.ACCEPTED);
        }));
        RawClient first = fresh.rawConnected(id, false, false);
        holding.set(true);
        RawClient second = fresh.raw().send(Bytes.connect(id, false, 0));
        RawClient third = fresh.raw().send(Bytes.connect(id, thirdCleanSession, 0));
        await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 2);
        List.copyOf(held).forEach(answer -> answer.complete(AuthenticationResult.ACCEPTED));

        for (RawClient c : List.of(second, third)) {
            c.readOrClosed(Duration.ofSeconds(5))
                    .ifPresent(p -> assertThat(p.hex()).as("CONNACK").isIn("20 0000", "20 0100"));
        }
        List<RawClient> all = List.of(first, second, third);
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(live(all))
                .as("live connections for " + id + " (0: first, 1: second, 2: third)").hasSize(1));
        assertThat(fresh.stats().clientsConnected()).as("clientsConnected").isEqualTo(1);
        assertHealthyClientWorks(fresh);
    }

    @Test
    @DisplayName("[MQTT-3.1.4-2] 200 rapid CONNECTs with one client id (clean session alternating) from 4 threads: "
            + "each answered with CONNACK 0x00 or closed; exactly one connection stays live and is served, and the "
            + "connected-clients count agrees")
    void sessionTakeoverStorm() throws Exception {
        String id = "storm-" + nextId();
        int threads = 4;
        int perThread = 50;
        long connectedBefore = broker.stats().clientsConnected();
        long violationsBefore = broker.stats().protocolViolations();
        List<RawClient> sockets = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        RawClient c = new RawClient(broker.port());
                        sockets.add(c);
                        c.send(Bytes.connect(id, i % 2 == 0, 0));
                        Optional<RawPacket> first = c.readOrClosed(Duration.ofSeconds(5));
                        first.ifPresent(p -> assertThat(p.hex()).as("CONNACK").isIn("20 0000", "20 0100"));
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get(30, TimeUnit.SECONDS);
            }
            List<RawClient> all = List.copyOf(sockets);
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                    assertThat(live(all)).as("positions of the live connections for " + id).hasSize(1));
            Session session = broker.engine().sessions().get(id);
            assertThat(session != null && session.isConnected()).as("the id's session is connected").isTrue();
            assertThat(broker.stats().clientsConnected()).as("clientsConnected").isEqualTo(connectedBefore + 1);
            assertThat(broker.stats().protocolViolations()).as("protocolViolations").isEqualTo(violationsBefore);
        } finally {
            pool.shutdownNow();
            sockets.forEach(RawClient::close);
        }
        assertHealthyClientWorks(broker);
    }
}
